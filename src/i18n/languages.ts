/**
 * The lab's two languages and how a browser's or a link's language tag maps to
 * them. Pure TS, no i18next: the teaching link (state/link.ts, read by the
 * command line too) imports this alone.
 */
export const LANGUAGES = ['en', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself (the header's switch). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', zh: '中文' };

/** The page's lang attribute for each language. */
export const LANGUAGE_TAGS: Record<Language, string> = { en: 'en', zh: 'zh-CN' };

/** 'zh', 'zh-CN', 'zh-Hans-SG' -> zh; anything else -> en. */
export function languageOf(tag: string | null | undefined): Language {
  return /^zh\b/i.test(tag ?? '') ? 'zh' : 'en';
}

/** A tag that names one of ours ('zh', 'zh-CN', 'en-GB'), or null (a link's lang=fr is refused). */
export function parseLanguage(tag: string): Language | null {
  return /^(zh|en)(-[a-z0-9]{1,8})*$/i.test(tag) ? languageOf(tag) : null;
}

/** The browser's preferred language among ours. */
export function browserLanguage(nav: { languages?: readonly string[]; language?: string } | undefined = globalThis.navigator): Language {
  const tags = nav?.languages?.length ? nav.languages : [nav?.language ?? 'en'];
  for (const tag of tags) if (/^(zh|en)\b/i.test(tag)) return languageOf(tag);
  return 'en';
}
