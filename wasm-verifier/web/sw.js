// Service worker: after the first visit the inspector opens and verifies with
// no network at all. The app shell and the verifier are cached at install;
// the QR decoder module is cached the first time a page loads it (browsers
// with a native BarcodeDetector never do). The trust bundle lives in the
// page's own "elicence-bundle" cache, replaced only by a bundle that opened.
const CACHE = 'elicence-inspector-__BUILD_ID__';
const SHELL = [
  './', 'index.html', 'app.js', 'style.css', 'manifest.webmanifest', 'icon.svg', 'anchor.json',
  'pkg/elicence_verify.js', 'pkg/elicence_verify_bg.wasm',
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

// The page asks for the QR decoder to be kept once it knows it needs it (no
// native BarcodeDetector), so the next visit can scan offline.
const DECODER = ['qr-worker.js', 'pkg/elicence_qr.js', 'pkg/elicence_qr_bg.wasm'];
self.addEventListener('message', (event) => {
  if (!event.data || event.data.type !== 'keep-decoder') return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    let ok = true;
    try {
      for (const path of DECODER) {
        if (!(await cache.match(path))) await cache.add(path);
      }
    } catch (_) { ok = false; }
    if (event.source) event.source.postMessage({ type: 'decoder-kept', ok });
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
