/*
 * The DPO/IPO Lab's service worker: offline use and cross-origin isolation.
 *
 * Offline: at install it caches every file of the build (listed in
 * precache.json, written at build time): the page, scripts, WASM binaries,
 * fonts (of the Chinese font's subsets, those the Chinese UI's text needs;
 * another subset is kept once a page has fetched it). Pages are fetched
 * network-first (a new deploy shows at once) and fall back to the cache
 * offline; the other files are hashed, so the cache serves them. Only this
 * site's own requests are handled.
 *
 * Isolation: every response it serves carries Cross-Origin-Opener-Policy:
 * same-origin and Cross-Origin-Embedder-Policy: require-corp, so a page it
 * controls is cross-origin isolated (SharedArrayBuffer: WASM on threads) on a
 * static host that cannot set headers (a Pages sub-path). The same approach as
 * coi-serviceworker; the page reloads once when this worker first takes
 * control (src/offline.ts). Cross-Origin-Resource-Policy: cross-origin lets an
 * isolated page embed the lab in an iframe. The lab loads nothing from other
 * origins, so require-corp blocks nothing it uses.
 */
const PREFIX = 'dpo-ipo-lab-';
const META = PREFIX + 'meta';

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const res = await fetch('precache.json', { cache: 'no-cache' });
    const { version, files } = await res.json();
    const name = PREFIX + version;
    const cache = await caches.open(name);
    await cache.addAll(['./', ...files]);
    await (await caches.open(META)).put('current', new Response(name));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const current = await (await (await caches.open(META)).match('current'))?.text();
    for (const key of await caches.keys()) {
      if (key.startsWith(PREFIX) && key !== META && key !== current) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

/** The response with the isolation headers (an opaque or error response cannot be changed, nor needs it). */
function isolated(res) {
  if (!res || res.status === 0 || res.type === 'opaqueredirect') return res;
  const headers = new Headers(res.headers);
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || !req.url.startsWith(self.registration.scope)) return;
  event.respondWith((async () => {
    if (req.mode === 'navigate') {
      try {
        return isolated(await fetch(req));
      } catch {
        return isolated((await caches.match(req, { ignoreSearch: true })) ?? (await caches.match(self.registration.scope))) ?? Response.error();
      }
    }
    const cached = await caches.match(req, { ignoreSearch: true });
    if (cached) return isolated(cached);
    const res = await fetch(req);
    // A font subset that was not precached (a rare character): kept once a page has needed it.
    if (res.ok && /\.woff2$/.test(new URL(req.url).pathname)) {
      const current = await (await (await caches.open(META)).match('current'))?.text();
      if (current) await (await caches.open(current)).put(req, res.clone());
    }
    return isolated(res);
  })());
});
