// sw.js: offline use and fast repeat visits. The page's files are cached
// when the service worker installs. Then:
//   - a versioned file (NAME?v=HASH, as ecoute.js asks for the module and
//     Go's runtime when the server's build.json names their hashes) never
//     changes: it is served from the cache, and fetched only when missing;
//   - any other file is served from the cache at once and revalidated in
//     the background (stale-while-revalidate): the server answers 304 when
//     it has not changed (strong ETags), and a new build reaches the cache
//     for the next visit;
//   - offline, the cache answers; a file never cached fails as it would.
const CACHE = "ecoute-v2";
const FILES = [
  "./", "index.html", "style.css", "app.js", "format.js", "ecoute.js", "ecoute-worker.js",
  "recorder-worklet.js", "build.json",
];

self.addEventListener("install", (ev) => {
  ev.waitUntil((async () => {
    const c = await caches.open(CACHE);
    // One by one: a missing file (say, an unbuilt module) must not stop the rest.
    await Promise.all(FILES.map((f) => c.add(f).catch(() => {})));
    // The large files under the names this build gives them.
    try {
      const files = (await (await fetch("build.json", { cache: "no-cache" })).json()).files || {};
      await Promise.all(["ecoute.wasm", "wasm_exec.js"].map((n) =>
        c.add(files[n] ? `${n}?v=${files[n].hash}` : n).catch(() => {})));
    } catch {
      await Promise.all(["ecoute.wasm", "wasm_exec.js"].map((n) => c.add(n).catch(() => {})));
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil((async () => {
    for (const k of await caches.keys()) if (k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

// prune drops the cached copies of name other than keep (older builds).
async function prune(c, req) {
  const u = new URL(req.url);
  for (const k of await c.keys()) {
    const ku = new URL(k.url);
    if (ku.pathname === u.pathname && ku.search !== u.search) await c.delete(k);
  }
}

self.addEventListener("fetch", (ev) => {
  const req = ev.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== location.origin || req.headers.has("range")) return;
  ev.respondWith((async () => {
    const c = await caches.open(CACHE);
    if (url.searchParams.has("v")) {
      const hit = await c.match(req);
      if (hit) return hit;
      const resp = await fetch(req);
      if (resp.ok) {
        await c.put(req, resp.clone());
        prune(c, req);
      }
      return resp;
    }
    const hit = await c.match(req, { ignoreSearch: true });
    const update = fetch(req).then(async (resp) => {
      if (resp.ok) await c.put(req, resp.clone());
      return resp;
    });
    if (hit) {
      ev.waitUntil(update.catch(() => {}));
      return hit;
    }
    return update;
  })());
});
