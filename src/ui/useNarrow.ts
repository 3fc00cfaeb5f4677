/** Whether the page is phone-narrow (the layout's one-column breakpoint for compact guidance). */
import { useSyncExternalStore } from 'react';

const QUERY = '(max-width: 600px)';
const query = () => window.matchMedia?.(QUERY);

export function useNarrow(): boolean {
  return useSyncExternalStore(
    (cb) => {
      const q = query();
      q?.addEventListener('change', cb);
      return () => q?.removeEventListener('change', cb);
    },
    () => query()?.matches ?? false,
  );
}
