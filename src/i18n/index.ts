/**
 * The lab's two languages, English and Simplified Chinese (the course's own),
 * through i18next. The language comes from the teaching link (`lang=zh`), else
 * the browser; the page's `lang` attribute follows. Numbers, formulas, loss
 * and metric identifiers (DPO, IPO, TRL's metric names) are not translated.
 * No tfjs, no store: the page and the embed import this.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { LANGUAGE_TAGS, type Language } from './languages';
import { zh } from './zh';
import { zhSource } from './zh-source';

export { LANGUAGES, LANGUAGE_NAMES, LANGUAGE_TAGS, browserLanguage, languageOf, parseLanguage, type Language } from './languages';
export { translateChange, translateMessage } from './messages';
export { fontsReady } from './fonts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** Keys a page asked for and no dictionary had (the browser test reads them: window.dpoLab.missingKeys). */
export const missingKeys: string[] = [];

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  // `source`: the Chinese of texts whose English lives in train/ (zh-source.ts, read through sourced()).
  resources: { en: { translation: en }, zh: { translation: zh, source: zhSource } },
  lng: 'en',
  fallbackLng: 'en',
  ns: ['translation', 'source'],
  defaultNS: 'translation',
  // React escapes; KaTeX and numbers are passed as values, never as markup.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
  saveMissing: true,
  missingKeyHandler: (_lngs, ns, key) => {
    if (!missingKeys.includes(`${ns}:${key}`)) missingKeys.push(`${ns}:${key}`);
  },
});
const g = globalThis as { dpoLab?: { missingKeys?: string[] } };
g.dpoLab ??= {};
g.dpoLab.missingKeys = missingKeys;

/** The language the UI speaks now. */
export const currentLanguage = (): Language => (i18n.language === 'zh' ? 'zh' : 'en');

/** Switches the UI language and the page's lang attribute. */
export function setLanguage(lang: Language, doc: Document | undefined = globalThis.document): void {
  if (i18n.language !== lang) void i18n.changeLanguage(lang);
  if (doc) doc.documentElement.lang = LANGUAGE_TAGS[lang];
}

export const t = i18n.t.bind(i18n);

/**
 * A text whose English is train/'s (the source, `english`): in English that, in
 * Chinese its entry `key` of zh-source.ts with `values` filled in (a key it
 * lacks is reported, and shows the English).
 */
export function sourced(key: string, english: string, values: Record<string, unknown> = {}): string {
  if (currentLanguage() === 'en') return english;
  return (i18n.t as unknown as (k: string, o: object) => string)(key, { ns: 'source', defaultValue: english, ...values });
}
