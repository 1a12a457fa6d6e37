// Service worker: after the first visit the inspector opens and verifies with
// no network at all. The app shell is cached at install; the one wasm module
// this browser uses (elicence_verify with a native BarcodeDetector, else
// elicence_inspector and its worker) is cached when the page asks, so no phone
// downloads a module it does not run. The trust bundle lives in the page's own
// "elicence-bundle" cache, replaced only by a bundle that opened.
const CACHE = 'elicence-inspector-__BUILD_ID__';
const SHELL = [
  './', 'index.html', 'app.js', 'style.css', 'manifest.webmanifest', 'icon.svg', 'anchor.json',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('elicence-inspector-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The page names the engine files it loaded; only these may be kept.
const ENGINE = [
  'pkg/elicence_verify.js', 'pkg/elicence_verify_bg.wasm',
  'pkg/elicence_inspector.js', 'pkg/elicence_inspector_bg.wasm', 'qr-worker.js',
];
self.addEventListener('message', (event) => {
  if (!event.data || event.data.type !== 'keep' || !Array.isArray(event.data.files)) return;
  const files = event.data.files.filter((f) => ENGINE.includes(f));
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    let ok = files.length > 0;
    try {
      for (const path of files) {
        if (!(await cache.match(path))) await cache.add(path);
      }
    } catch (_) { ok = false; }
    if (event.source) event.source.postMessage({ type: 'kept', ok });
  })());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  // bundle.json: the page asks for it only to refresh, so go to the network.
  if (url.pathname.endsWith('/bundle.json')) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(event.request, { ignoreSearch: true });
    if (hit) return hit;
    const res = await fetch(event.request);
    if (res.ok) await cache.put(event.request, res.clone());
    return res;
  })());
});
