# workerd configuration for running the built worker (worker/build) locally,
# with no Cloudflare account: workerd serve tests/worker/workerd.capnp
# (paths are relative to this file; the socket is overridden by run.sh with
# --socket-addr http=127.0.0.1:PORT).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "ecoute", worker = .ecoute),
    # worker/build/assets, as static assets (run.sh passes
    # --directory-path assets=ABSOLUTE_PATH).
    (name = "assets", disk = (path = "../../worker/build/assets")),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "ecoute") ],
);

const ecoute :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "../../worker/build/worker.mjs"),
    (name = "wasm_exec.js", esModule = embed "../../worker/build/wasm_exec.js"),
    (name = "runtime.mjs", esModule = embed "../../worker/build/runtime.mjs"),
    (name = "app.wasm", wasm = embed "../../worker/build/app.wasm"),
  ],
  compatibilityDate = "2025-07-18",
  bindings = [
    (name = "ECOUTE_STATS", text = "1"),
    (name = "ECOUTE_MODEL_ASSET", text = "/model.safetensors"),
    (name = "ASSETS", service = "assets"),
  ],
);
