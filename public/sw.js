/*
 * Offline cache for the DPO/IPO Lab. At install it caches every file of the
 * build (listed in precache.json, written at build time): the page, scripts,
 * WASM binaries, fonts. Pages are fetched network-first (a new deploy shows
 * at once) and fall back to the cache offline; the other files are hashed, so
 * the cache serves them. Only this site's own requests are handled.
 */
const PREFIX = 'dpo-ipo-lab-';
const META = PREFIX + 'meta';

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

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || !req.url.startsWith(self.registration.scope)) return;
  event.respondWith((async () => {
    if (req.mode === 'navigate') {
      try {
        return await fetch(req);
      } catch {
        return (await caches.match(req, { ignoreSearch: true })) ?? (await caches.match(self.registration.scope)) ?? Response.error();
      }
    }
    return (await caches.match(req, { ignoreSearch: true })) ?? fetch(req);
  })());
});
