/**
 * Offline once loaded: a service worker (public/sw.js) caches every file of
 * the build (listed in precache.json at build time). Production builds only;
 * a failure here never affects the lab.
 */
export function registerOfflineCache(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => {
    /* private mode or a host that forbids service workers: the lab works online */
  });
}
