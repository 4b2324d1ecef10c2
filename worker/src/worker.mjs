// ecoute's Workers entry point: the JS glue between the Workers runtime and
// the Go program in app.wasm (wasm/worker). It is a copy of
// github.com/syumai/workers' cmd/workers-assets-gen/assets/common/worker.mjs
// (v0.30.2) changed in one way: the stock glue starts a fresh Go instance for
// every request, so each request pays for the Go runtime's start, the package
// initialisers and the model load; this one starts one instance per isolate
// and keeps it, starting a new one only if the old one has exited (a crash).
// The Go side (wasm/worker/main.go) never exits and sends its responses as
// raw bodies, which is what makes the instance reusable.
//
// With the variable ECOUTE_STATS = "1" (wrangler dev --var ECOUTE_STATS:1)
// every response carries X-Ecoute-* headers with the instance count and the
// Go instance's linear memory now and at its peak, for the load test.
import "./wasm_exec.js";
import { createRuntimeContext, loadModule } from "./runtime.mjs";

let mod;
let current; // { go, binding, memory } of the running instance
let starting; // promise of a start in progress
let started = 0; // instances started by this isolate
let served = 0; // requests handled by this isolate
let peakMemory = 0;

globalThis.tryCatch = (fn) => {
  try {
    return {
      result: fn(),
    };
  } catch (e) {
    return {
      error: e,
    };
  }
};

async function start(env, ctx) {
  if (mod === undefined) {
    mod = await loadModule();
  }
  const go = new Go();
  const binding = {};
  const runtimeContext = createRuntimeContext({ env, ctx, binding });
  // A build with --model-asset keeps the model out of app.wasm, as a static
  // asset; wasm/worker/model_asset.go calls this to get it.
  runtimeContext.ecouteModelAsset = async () => {
    if (!env || !env.ASSETS) {
      throw new Error("no ASSETS binding for the model asset");
    }
    const path = env.ECOUTE_MODEL_ASSET || "/model.safetensors";
    const res = await env.ASSETS.fetch(new URL(path, "https://assets.invalid/"));
    if (!res.ok) {
      throw new Error(`fetching the model asset ${path}: ${res.status}`);
    }
    return new Uint8Array(await res.arrayBuffer());
  };
  let ready, failed;
  const readyPromise = new Promise((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  const instance = new WebAssembly.Instance(mod, {
    ...go.importObject,
    workers: {
      ready: () => {
        ready();
      },
    },
  });
  // The runtime context (env, ctx) is the first request's; ecoute's handler
  // uses neither, and env is the same for every request of a deployment.
  // exited rejects when the Go program stops, which it does only on a
  // crash; a request in flight then fails instead of waiting forever.
  const exited = go
    .run(instance, runtimeContext)
    .then(() => {
      throw new Error("Go program exited");
    });
  exited.catch(failed);
  await readyPromise;
  started++;
  return { go, binding, exited, memory: instance.exports.mem };
}

async function instanceFor(env, ctx) {
  if (current && !current.go.exited) {
    return current;
  }
  if (!starting) {
    starting = start(env, ctx).finally(() => {
      starting = undefined;
    });
  }
  current = await starting;
  return current;
}

function jsonError(status, message) {
  return new Response(JSON.stringify({ error: message }) + "\n", {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Access-Control-Allow-Origin": "*",
    },
  });
}

// modelAsset answers a download of the model file from the static assets
// (./build.sh --asset). Under wrangler the assets are served before the
// worker runs; plain workerd (tests/worker/workerd.capnp) sends every
// request here, so the glue serves the file itself. null: not that request,
// or no such asset.
async function modelAsset(req, env) {
  if (!env || !env.ASSETS || (req.method !== "GET" && req.method !== "HEAD")) return null;
  const path = env.ECOUTE_MODEL_ASSET || "/model.safetensors";
  if (new URL(req.url).pathname !== path) return null;
  const res = await env.ASSETS.fetch(new URL(path, "https://assets.invalid/"), { method: req.method });
  if (!res.ok) return null;
  const h = new Headers(res.headers);
  h.set("Content-Type", "application/octet-stream");
  h.set("Access-Control-Allow-Origin", "*");
  return new Response(req.method === "HEAD" ? null : res.body, { status: 200, headers: h });
}

async function fetch(req, env, ctx) {
  const asset = await modelAsset(req, env);
  if (asset) {
    return asset;
  }
  let inst, res;
  try {
    inst = await instanceFor(env, ctx);
    res = await Promise.race([inst.binding.handleRequest(req), inst.exited]);
  } catch (e) {
    return jsonError(500, "worker: " + (e && e.message ? e.message : String(e)));
  }
  served++;
  const mem = inst.memory.buffer.byteLength;
  if (mem > peakMemory) {
    peakMemory = mem;
  }
  if (env && env.ECOUTE_STATS === "1") {
    res = new Response(res.body, res);
    res.headers.set("X-Ecoute-Instances-Started", String(started));
    res.headers.set("X-Ecoute-Requests-Served", String(served));
    res.headers.set("X-Ecoute-Wasm-Memory", String(mem));
    res.headers.set("X-Ecoute-Wasm-Memory-Peak", String(peakMemory));
  }
  return res;
}

async function scheduled(event, env, ctx) {
  const inst = await instanceFor(env, ctx);
  return inst.binding.runScheduler(event);
}

async function queue(batch, env, ctx) {
  const inst = await instanceFor(env, ctx);
  return inst.binding.handleQueueMessageBatch(batch);
}

// onRequest handles request to Cloudflare Pages
async function onRequest(ctx) {
  const { request, env } = ctx;
  return fetch(request, env, ctx);
}

export default {
  fetch,
  scheduled,
  queue,
  onRequest,
};
