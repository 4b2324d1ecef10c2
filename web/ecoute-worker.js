// ecoute-worker.js: the Web Worker that runs ecoute.wasm off the page's
// thread. ecoute.js starts it and talks to it with messages:
//
//   page -> worker  {id, op, args}
//   worker -> page  {id, ok: true, value, seconds, memory}
//                   {id, ok: false, error: {message, code}}
//                   {type: "exit", code}   the Go runtime stopped (out of memory)
//                   {type: "progress", phase, loaded?, total?}  during init:
//                     phase "download" (bytes of the module so far, and its
//                     size when known; compiling overlaps it), "model"
//                     (starting the Go runtime, loading the model), "warm"
//
//                   {type: "segment", id, segment, done, total}  during a
//                     transcribe with segments: true, for each stretch the
//                     recognizer decoded (asr.Segment: start, end, text,
//                     words; text "" where there was no speech) and the
//                     seconds of audio done out of total
//
// ops: init {wasmURL, runtimeURL, wasmBytes?, model?: ArrayBuffer, warm?},
// streamOpen {sampleRate, options} (its value is the stream's id),
// streamWrite {stream, samples: Float32Array} and streamClose {stream, name}
// (their value is the update: {events: [{final, start, end, text, words?}],
// duration, seconds}, and from streamClose result, the finals as one
// transcription; a stream's writes run in the order they were posted),
// transcribe {audio, options, segments?} (its value is the result's JSON
// text), cancel {target} (the transcribe call with id target stops at its
// next segment and fails with code "cancelled"; the module stays loaded),
// features {audio, options}, decode {audio, sampleRate}, align {audio, text,
// options} (options {format, name, maxChars, maxLines, maxSeconds,
// minPause}; the value is the file's text, as `transcribe align --format
// FORMAT` writes it), format {result,
// format, options} (result is a transcription's JSON text; the value is the
// file's text, as `transcribe --format FORMAT` writes it). audio is a Blob or
// File, an ArrayBuffer, a Uint8Array or {samples: Float32Array, sampleRate}.
//
// Unless init is given warm: false, it ends with one transcription of a
// short synthetic clip with the default options, so that the first real
// one does not pay for the one-time work (the word LM's parse, V8 tiering
// up the hot functions): tests/browser measures both.
"use strict";

let api = null; // globalThis.ecoute once the module registered
let mem = null; // the module's WebAssembly.Memory
let exited = false;
const HEAD = 1 << 20; // bytes handed to probe() before a file is copied whole

function fail(code, message) {
  const e = new Error(message);
  e.code = code;
  return e;
}

function progress(phase, loaded, total) {
  self.postMessage({ type: "progress", phase, loaded, total });
}

// counted wraps resp so that its body reports download progress. total is
// the module's size when the caller knows it (a compressed response's
// Content-Length is not the size of what the body yields).
function counted(resp, total) {
  const enc = resp.headers.get("content-encoding");
  const len = Number(resp.headers.get("content-length")) || 0;
  if (!total && (!enc || enc === "identity")) total = len;
  if (!resp.body) return resp;
  let loaded = 0, last = 0;
  progress("download", 0, total);
  const t = new TransformStream({
    transform(chunk, ctl) {
      loaded += chunk.byteLength;
      const now = performance.now();
      if (now - last > 50) { last = now; progress("download", loaded, total); }
      ctl.enqueue(chunk);
    },
    flush() { progress("download", loaded, total || loaded); },
  });
  return new Response(resp.body.pipeThrough(t), { status: resp.status, headers: resp.headers });
}

// warmClip is 1.5 s of a synthetic vowel-like sound with a pause, at 16 kHz:
// enough for the recognizer to decode a few frames with the LM.
function warmClip() {
  const rate = 16000, x = new Float32Array(rate * 1.5);
  let seed = 1;
  for (let i = 0; i < x.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const t = i / rate, on = t < 0.6 || t > 0.9 ? 1 : 0.02;
    x[i] = on * (0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.15 * Math.sin(2 * Math.PI * 660 * t) + 0.05 * (seed / 2 ** 32 - 0.5));
  }
  return x;
}

async function init({ wasmURL, runtimeURL, wasmBytes, model, warm }) {
  if (api) return { version: api.version };
  importScripts(runtimeURL || "wasm_exec.js");
  const t0 = performance.now();
  let resp;
  try {
    resp = await fetch(wasmURL);
  } catch (e) {
    throw fail("fetch", `cannot fetch ${wasmURL}: ${e.message}`);
  }
  if (!resp.ok) {
    throw fail("fetch", `cannot fetch ${wasmURL}: HTTP ${resp.status}` +
      (resp.status === 404 ? " (the module is not built: run scripts/build-wasm.sh, or go generate ./web)" : ""));
  }
  resp = counted(resp, wasmBytes);
  const go = new Go();
  const ready = new Promise((resolve) => { self.onEcouteReady = resolve; });
  let result;
  if (WebAssembly.instantiateStreaming && (resp.headers.get("content-type") || "").startsWith("application/wasm")) {
    result = await WebAssembly.instantiateStreaming(resp, go.importObject);
  } else {
    result = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
  }
  const t1 = performance.now();
  progress("model");
  mem = result.instance.exports.mem;
  go.run(result.instance).then(() => {
    exited = true;
    api = null;
    self.postMessage({ type: "exit", code: go.exitCode ?? 2 });
  });
  api = await ready;
  const info = model ? await api.loadModel(new Uint8Array(model)) : await api.loadDefault();
  const t2 = performance.now();
  let warmSeconds = 0;
  if (warm !== false) {
    progress("warm");
    await api.transcribe(warmClip(), 16000, "{}", "");
    warmSeconds = (performance.now() - t2) / 1000;
  }
  return {
    version: api.version,
    defaults: { ...api.defaults },
    limits: { maxSeconds: api.limits.maxSeconds, maxBytes: api.limits.maxBytes },
    model: { ...info },
    wasmSeconds: (t1 - t0) / 1000,
    modelSeconds: (t2 - t1) / 1000,
    warmSeconds,
  };
}

// bytes turns a file-like input into a Uint8Array after probing its header,
// so that a file over the limits is refused before it is read whole.
async function audioArgs(audio) {
  if (audio && audio.samples instanceof Float32Array) {
    return [audio.samples, Number(audio.sampleRate) || 0];
  }
  if (audio instanceof Blob) {
    await api.probe(new Uint8Array(await audio.slice(0, HEAD).arrayBuffer()), audio.size);
    return [new Uint8Array(await audio.arrayBuffer()), 0];
  }
  let u8;
  if (audio instanceof ArrayBuffer) u8 = new Uint8Array(audio);
  else if (ArrayBuffer.isView(audio)) u8 = new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength);
  else throw fail("options", "audio must be a File/Blob, an ArrayBuffer, a Uint8Array or {samples: Float32Array, sampleRate}");
  await api.probe(u8.subarray(0, HEAD), u8.byteLength);
  return [u8, 0];
}

const cancelled = new Set(); // ids of transcribe calls asked to stop

// Each stream's calls run one after the other, in the order they came: the
// module would otherwise be free to take two pending writes in any order.
const streamTail = new Map(); // stream id -> the promise of its last call
function inOrder(stream, f) {
  const next = (streamTail.get(stream) || Promise.resolve()).then(f, f);
  streamTail.set(stream, next.catch(() => {}));
  return next;
}

const ops = {
  init,
  async transcribe({ audio, options, segments }, id) {
    try {
      const [a, rate] = await audioArgs(audio);
      const name = (audio && typeof audio.name === "string") ? audio.name : "";
      if (cancelled.has(id)) throw fail("cancelled", "cancelled");
      // The module calls back between segments, after letting this
      // worker's event loop run, so a cancel message has arrived by then.
      const each = segments ? (seg, done, total) => {
        self.postMessage({ type: "segment", id, segment: JSON.parse(seg), done, total });
        return cancelled.has(id);
      } : undefined;
      return await api.transcribe(a, rate, JSON.stringify(options || {}), name, each);
    } finally {
      cancelled.delete(id);
    }
  },
  async cancel({ target }) {
    cancelled.add(target);
    return true;
  },
  async streamOpen({ sampleRate, options }) {
    return await api.streamOpen(Number(sampleRate) || 0, JSON.stringify(options || {}));
  },
  streamWrite({ stream, samples }) {
    return inOrder(stream, async () => JSON.parse(await api.streamWrite(stream, samples)));
  },
  streamClose({ stream, name }) {
    return inOrder(stream, async () => {
      try {
        return JSON.parse(await api.streamClose(stream, String(name || "")));
      } finally {
        streamTail.delete(stream);
      }
    });
  },
  async features({ audio, options }) {
    const [a, rate] = await audioArgs(audio);
    return await api.features(a, rate, JSON.stringify(options || {}));
  },
  async decode({ audio, sampleRate }) {
    const [a, rate] = await audioArgs(audio);
    return await api.decode(a, rate, sampleRate || 0);
  },
  async align({ audio, text, options }) {
    const [a, rate] = await audioArgs(audio);
    const o = { ...(options || {}) };
    if (o.name === undefined && audio && typeof audio.name === "string") o.name = audio.name;
    return await api.align(a, rate, String(text ?? ""), JSON.stringify(o));
  },
  async format({ result, format, options }) {
    return await api.format(String(result), String(format), JSON.stringify(options || {}));
  },
};

self.onmessage = async (ev) => {
  const { id, op, args } = ev.data;
  const t0 = performance.now();
  try {
    if (exited) throw fail("exit", "the recognizer stopped (out of memory?)");
    if (!ops[op]) throw fail("options", `unknown operation ${op}`);
    if (op !== "init" && !api) throw fail("no-model", "the module is not loaded yet");
    const value = await ops[op](args || {}, id);
    const transfer = [];
    if (value && value.data instanceof Float32Array) transfer.push(value.data.buffer);
    if (value && value.samples instanceof Float32Array) transfer.push(value.samples.buffer);
    self.postMessage({
      id, ok: true, value,
      seconds: (performance.now() - t0) / 1000,
      memory: mem ? mem.buffer.byteLength : 0,
    }, transfer);
  } catch (e) {
    self.postMessage({
      id, ok: false,
      error: { message: String(e && e.message || e), code: (e && e.code) || "internal" },
      memory: mem ? mem.buffer.byteLength : 0,
    });
  }
};
