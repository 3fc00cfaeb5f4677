/**
 * The app's service worker (public/sw.js): offline once loaded, and
 * cross-origin isolated on any static host (it adds COOP/COEP to what it
 * serves, so WASM may run on threads). Production builds only: the dev and
 * preview servers send the headers themselves (vite.config.ts).
 *
 * A page is isolated only if its own document came with the headers, so a
 * first visit, which the service worker did not serve, is not; every later
 * visit is. The first visit does not wait for the worker and reload: that
 * cost 2 to 4 s before a teaching link's Run button worked (the worker
 * installs the whole build first), for threads that this small model's steps
 * barely use (npm run bench: 1.05-1.1x on 2 threads). It starts at once,
 * single-threaded, and says why. Nothing else depends on this: a failure here
 * leaves the lab working, single-threaded.
 */

export interface IsolationEnv {
  prod: boolean;
  isolated: boolean;
  secure: boolean;
  framed: boolean;
  serviceWorker: boolean;
}

/**
 * Whether the service worker will make a later visit cross-origin isolated
 * where this one is not: never in an iframe (an embed is isolated only if its
 * host page is), on the dev server, on an insecure page, or without service workers.
 */
export function isolatesNextVisit(env: IsolationEnv): boolean {
  return env.prod && !env.isolated && env.secure && !env.framed && env.serviceWorker;
}

function framed(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
}

/** Registers the service worker (builds only). True when it will isolate the next visit. */
export function registerServiceWorker(): boolean {
  const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  const env: IsolationEnv = {
    prod: import.meta.env.PROD,
    isolated: globalThis.crossOriginIsolated === true,
    secure: globalThis.isSecureContext === true,
    framed: framed(),
    serviceWorker: sw !== null,
  };
  if (!env.prod || !sw) return false;
  sw.register('./sw.js', { scope: './' }).catch(() => {
    /* private mode or a host that forbids service workers: the lab works online, single-threaded */
  });
  return isolatesNextVisit(env);
}
