/** The page's root: the full lab, or the compact embed when the link says so; both follow the theme and the language. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { EmbedApp } from './embed/EmbedApp';
import { browserLanguage, fontsReady, setLanguage } from './i18n';
import { App } from './ui/App';
import { useEffectiveTheme } from './ui/theme';
import { useLab } from './ui/useLab';

export function Root() {
  const theme = useEffectiveTheme(useLab((s) => s.view.theme));
  const embed = useLab((s) => s.embed.on);
  const lang = useLab((s) => s.view.lang);
  const { t, i18n } = useTranslation();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    // A switch to Chinese waits (briefly) for its glyphs, as the first render does (i18n/fonts.ts).
    const next = lang ?? browserLanguage();
    let current = true;
    void fontsReady(next).then(() => current && setLanguage(next));
    return () => {
      current = false;
    };
  }, [lang]);
  useEffect(() => {
    document.title = t('app.name');
  }, [t, i18n.language]);
  return embed ? <EmbedApp /> : <App />;
}
