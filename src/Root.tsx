/** The page's root: the full lab, or the compact embed when the link says so; both follow the theme. */
import { useEffect } from 'react';
import { EmbedApp } from './embed/EmbedApp';
import { App } from './ui/App';
import { useEffectiveTheme } from './ui/theme';
import { useLab } from './ui/useLab';

export function Root() {
  const theme = useEffectiveTheme(useLab((s) => s.view.theme));
  const embed = useLab((s) => s.embed.on);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return embed ? <EmbedApp /> : <App />;
}
