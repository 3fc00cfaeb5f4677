/**
 * The app's service worker (public/sw.js): offline once loaded, and
 * cross-origin isolated on any static host (it adds COOP/COEP to what it
 * serves, so WASM can run on threads). Production builds only: the dev and
 * preview servers send the headers themselves (vite.config.ts).
 *
 * A page is isolated only if its own document came with the headers, so the
 * first visit, which the service worker did not serve, reloads once when the
 * worker takes control. Guarded: at most two reloads per tab session (one
 * when the worker first takes control, one when an older worker without the
 * headers is replaced), never in an iframe (an embed is isolated only if its
 * host page is: reloading would not help), and never when the browser does
 * not keep the guard (storage off). Everything else is never affected: a
 * failure here leaves the lab working, single-threaded.
 */
const RELOADS_KEY = 'dpo-ipo-lab-isolation-reloads';
const MAX_RELOADS = 2;
/** How long a first visit waits for the service worker before it starts single-threaded (ms). */
export const ISOLATION_WAIT_MS = 4000;

export interface IsolationEnv {
  prod: boolean;
  isolated: boolean;
  secure: boolean;
  framed: boolean;
  serviceWorker: boolean;
  /** A service worker controls this page now. */
  controlled: boolean;
  /** Reloads done for isolation in this tab session; null when it cannot be kept. */
  reloads: number | null;
}

/**
 * What to do at start: 'reload' now (a worker controls the page but it is not
 * isolated), 'wait' for the worker to take control and then reload, or 'go'
 * (isolated already, or isolation cannot come from a reload).
 */
export function isolationStep(env: IsolationEnv): 'go' | 'wait' | 'reload' {
  if (!env.prod || env.isolated || !env.secure || env.framed || !env.serviceWorker) return 'go';
  if (env.reloads === null || env.reloads >= MAX_RELOADS) return 'go';
  return env.controlled ? 'reload' : 'wait';
}

function readReloads(): number | null {
  try {
    return Number(sessionStorage.getItem(RELOADS_KEY) ?? 0) || 0;
  } catch {
    return null;
  }
}

function reload(): boolean {
  const n = readReloads();
  if (n === null || n >= MAX_RELOADS) return false;
  try {
    sessionStorage.setItem(RELOADS_KEY, String(n + 1));
  } catch {
    return false;
  }
  window.location.reload();
  return true;
}

function framed(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
}

/**
 * Registers the service worker and, where a reload makes the page
 * cross-origin isolated, reloads (now, or when the worker takes control, for
 * at most ISOLATION_WAIT_MS). Resolves true when the page is reloading (start
 * nothing), false when the lab should start as it is.
 */
export function startOffline(): Promise<boolean> {
  const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  const env: IsolationEnv = {
    prod: import.meta.env.PROD,
    isolated: globalThis.crossOriginIsolated === true,
    secure: globalThis.isSecureContext === true,
    framed: framed(),
    serviceWorker: sw !== null,
    controlled: Boolean(sw?.controller),
    reloads: readReloads(),
  };
  if (env.isolated) {
    try {
      sessionStorage.removeItem(RELOADS_KEY);
    } catch {
      /* nothing to reset */
    }
  }
  if (!env.prod || !sw) return Promise.resolve(false);
  sw.register('./sw.js', { scope: './' }).catch(() => {
    /* private mode or a host that forbids service workers: the lab works online, single-threaded */
  });
  const step = isolationStep(env);
  if (step === 'reload') return Promise.resolve(reload());
  if (step === 'go') return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sw.removeEventListener('controllerchange', onControl);
      resolve(false); // the lab starts single-threaded; the next visit is isolated
    }, ISOLATION_WAIT_MS);
    function onControl() {
      clearTimeout(timer);
      resolve(reload());
    }
    sw.addEventListener('controllerchange', onControl, { once: true });
  });
}
