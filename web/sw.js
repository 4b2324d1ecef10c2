// sw.js: offline support. The page's files (module included) are cached when
// the service worker installs; requests go to the network first, so a new
// build is picked up while online, and fall back to the cache offline.
const CACHE = "ecoute-v1";
const FILES = [
  "./", "index.html", "style.css", "app.js", "ecoute.js", "ecoute-worker.js",
  "recorder-worklet.js", "wasm_exec.js", "ecoute.wasm",
];

self.addEventListener("install", (ev) => {
  ev.waitUntil((async () => {
    const c = await caches.open(CACHE);
    // One by one: a missing file (say, an unbuilt module) must not stop the rest.
    await Promise.all(FILES.map((f) => c.add(f).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil((async () => {
    for (const k of await caches.keys()) if (k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (ev) => {
  const req = ev.request;
  if (req.method !== "GET" || new URL(req.url).origin !== location.origin) return;
  ev.respondWith((async () => {
    const c = await caches.open(CACHE);
    try {
      const resp = await fetch(req);
      if (resp.ok) c.put(req, resp.clone());
      return resp;
    } catch (err) {
      const hit = await c.match(req, { ignoreSearch: true });
      if (hit) return hit;
      throw err;
    }
  })());
});
