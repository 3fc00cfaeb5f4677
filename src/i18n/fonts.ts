/**
 * Chinese glyphs come from Noto Sans SC, served by this site in ~100 subsets by
 * unicode-range (main.tsx imports its CSS). A subset that arrives after text was
 * laid out with the fallback font can leave that text as empty boxes in Chromium
 * until something else lays it out again; so before the UI first speaks Chinese,
 * the subsets its own text uses are loaded (a few hundred kB, the ones the
 * service worker precaches anyway), for at most `timeoutMs`; in English, the
 * one subset of the switch's "中文".
 */
import { LANGUAGE_NAMES } from './languages';
import { zh } from './zh';
import { zhSource } from './zh-source';

const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);

/** Every character of the Chinese UI's own text outside ASCII (system fonts draw ASCII). */
let sample: string | null = null;
const chineseSample = () => (sample ??= [...new Set(strings([zh, zhSource]).join(''))].filter((c) => c.codePointAt(0)! > 0x7f).join(''));

/** In English, only the language switch's "中文" is Chinese. */
export async function fontsReady(lang: 'en' | 'zh', timeoutMs = 3000, doc: Document | undefined = globalThis.document): Promise<void> {
  if (!doc?.fonts) return;
  const load = doc.fonts.load("400 1em 'Noto Sans SC'", lang === 'zh' ? chineseSample() : LANGUAGE_NAMES.zh).then(() => undefined, () => undefined);
  await Promise.race([load, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs))]);
}
