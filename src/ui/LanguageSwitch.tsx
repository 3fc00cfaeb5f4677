/** English / 中文 in the header, each language's own name (data-verbatim: quoted as it is, in any UI language): the choice goes into the view (and so into the address bar and the Share panel's link). */
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGE_TAGS, LANGUAGES } from '../i18n';
import { setView } from '../state/actions';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t('language.label')} data-testid="language">
      {LANGUAGES.map((l) => (
        <button key={l} type="button" lang={LANGUAGE_TAGS[l]} data-verbatim="" aria-pressed={i18n.language === l} data-testid={`language-${l}`} onClick={() => setView({ lang: l })}>
          {LANGUAGE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}
