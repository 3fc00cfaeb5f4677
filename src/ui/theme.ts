/** The theme actually shown: the chosen one, or the system's when the choice is 'system'. */
import { useSyncExternalStore } from 'react';
import type { ViewState } from '../state/linkState';

const query = () => window.matchMedia?.('(prefers-color-scheme: dark)');

export function useEffectiveTheme(theme: ViewState['theme']): 'light' | 'dark' {
  const systemDark = useSyncExternalStore(
    (cb) => {
      const q = query();
      q?.addEventListener('change', cb);
      return () => q?.removeEventListener('change', cb);
    },
    () => query()?.matches ?? false,
  );
  return theme === 'system' ? (systemDark ? 'dark' : 'light') : theme;
}
