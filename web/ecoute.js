// ecoute.js: speech recognition in the browser. The recognizer (Go compiled
// to WebAssembly, ecoute.wasm) runs in a Web Worker, so the page stays
// responsive; nothing leaves the tab. Types: ecoute.d.ts.
//
//   import { Ecoute } from "./ecoute.js";
//   const asr = await Ecoute.load();                         // embedded default model
//   const r = await asr.transcribe(file, { beam: 8 });       // File, ArrayBuffer, or {samples, sampleRate}
//   r.text; r.words;                                         // same JSON as `transcribe --format json`
//
// Errors reject with an Error whose .code says what went wrong ("format",
// "empty", "too-long", "too-large", "options", "model", "fetch", "exit",
// "cancelled", "internal"). If the Go runtime dies (a tab out of memory),
// the call that killed it rejects with code "exit" and the next call starts
// a new worker. cancel() stops a call in progress: a transcription given
// onSegment stops at its next segment and the worker stays; any other call
// (or one that does not stop within cancelWaitMs) is stopped by ending the
// worker, the only way to stop WebAssembly mid-call, and starting another.
//
// Large files are fetched as NAME?v=HASH when the server's build.json
// (web.Manifest) gives their hash, so browsers may cache them for good.

const here = new URL(".", import.meta.url);

export class EcouteError extends Error {
  constructor(message, code) {
    super(message);
    this.name = "EcouteError";
    this.code = code;
  }
}

export class Ecoute {
  /**
   * Starts the worker, fetches and compiles the module, loads a model and
   * (unless warm is false) warms the recognizer up with a short synthetic clip.
   * onProgress({phase, loaded, total}) reports "download" (bytes), "model", "warm".
   * @param {{model?: ArrayBuffer|Uint8Array, wasmURL?: string|URL, workerURL?: string|URL, warm?: boolean, onProgress?: Function}} [opts]
   */
  static async load(opts = {}) {
    const e = new Ecoute(opts);
    await e.#start();
    return e;
  }

  #opts;
  #worker = null;
  #starting = null;
  #next = 1;
  #pending = new Map();
  /** What init reported: version, limits, model, wasmSeconds, modelSeconds. */
  info = null;
  /** Timing of the last call: {seconds (in the worker), memory (bytes of WebAssembly memory)}. */
  lastStats = null;

  /** The JSON text of the last transcription: `transcribe --format json`'s record, byte for byte. */
  lastJSON = null;

  /** How the last cancel() stopped the work: "segment" (the worker stayed) or "restart". */
  lastCancel = null;

  /** How long cancel() waits for a transcription to stop at a segment before it ends the worker. */
  cancelWaitMs = 10000;

  constructor(opts = {}) {
    this.#opts = {
      wasmURL: opts.wasmURL ? new URL(opts.wasmURL, here).href : null,
      workerURL: new URL(opts.workerURL || "ecoute-worker.js", here).href,
      model: opts.model ? copyBuffer(opts.model) : null,
      warm: opts.warm !== false,
      onProgress: typeof opts.onProgress === "function" ? opts.onProgress : null,
    };
  }

  // urls returns the module's and the runtime's URLs, versioned by the
  // server's manifest when it has one, and the module's size.
  async #urls() {
    const plain = (n) => new URL(n, here).href;
    let files = {};
    try {
      const r = await fetch(new URL("build.json", here));
      if (r.ok) files = (await r.json()).files || {};
    } catch { /* a static host without the manifest: unversioned URLs */ }
    const versioned = (n) => (files[n] && files[n].hash ? `${plain(n)}?v=${files[n].hash}` : plain(n));
    return {
      wasmURL: this.#opts.wasmURL || versioned("ecoute.wasm"),
      runtimeURL: versioned("wasm_exec.js"),
      wasmBytes: (!this.#opts.wasmURL && files["ecoute.wasm"] && files["ecoute.wasm"].bytes) || 0,
    };
  }

  #start() {
    if (this.#starting) return this.#starting;
    const w = new Worker(this.#opts.workerURL);
    this.#worker = w;
    w.onmessage = (ev) => this.#receive(w, ev.data);
    w.onerror = (ev) => {
      ev.preventDefault();
      this.#die(w, new EcouteError(`the recognizer's worker failed: ${ev.message || "script error"}`, "exit"));
    };
    const model = this.#opts.model ? this.#opts.model.slice(0) : undefined;
    this.#starting = this.#urls()
      .then((u) => {
        if (this.#worker !== w) throw new EcouteError("cancelled", "cancelled");
        return this.#call("init", { ...u, model, warm: this.#opts.warm }, model ? [model] : []);
      })
      .then((info) => { this.info = info; return info; })
      .catch((err) => { this.#die(w, err); throw err; });
    return this.#starting;
  }

  #die(w, err) {
    if (this.#worker !== w) return;
    w.terminate();
    this.#worker = null;
    this.#starting = null;
    for (const [, p] of this.#pending) p.reject(err);
    this.#pending.clear();
  }

  #receive(w, m) {
    if (m.type === "segment") {
      const p = this.#pending.get(m.id);
      if (p && p.onSegment && this.#worker === w) {
        try { p.onSegment({ segment: m.segment, done: m.done, total: m.total }); } catch (e) { console.error(e); }
      }
      return;
    }
    if (m.type === "progress") {
      if (this.#opts.onProgress && this.#worker === w) this.#opts.onProgress({ phase: m.phase, loaded: m.loaded, total: m.total });
      return;
    }
    if (m.type === "exit") {
      this.#die(w, new EcouteError("the recognizer ran out of memory and was restarted; try a shorter recording", "exit"));
      return;
    }
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    this.lastStats = { seconds: m.seconds, memory: m.memory };
    if (m.ok) p.resolve(m.value);
    else p.reject(new EcouteError(m.error.message, m.error.code));
  }

  #call(op, args, transfer = [], onSegment = null) {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { id, op, onSegment, resolve, reject });
      this.#worker.postMessage({ id, op, args }, transfer);
    });
  }

  async #run(op, args, onSegment = null) {
    await this.#start();
    return this.#call(op, args, [], onSegment);
  }

  /**
   * Transcribes a WAV or MP3 file (the page's module; FLAC and other formats through the browser's decoder, as app.js does) or mono samples.
   * @param {Blob|ArrayBuffer|ArrayBufferView|{samples: Float32Array, sampleRate: number}} audio
   * onSegment({segment: {start, end, text, words?}, done, total}) is called as
   * the recognizer finishes each stretch of the audio (long audio is cut at
   * pauses): done and total are seconds of audio; text is "" for a stretch
   * without speech. With it, cancel() stops the work without a restart.
   * @param {{beam?: number, lm?: boolean, alpha?: number, beta?: number, blankPenalty?: number, hotwords?: string|Array, nbest?: number, timestamps?: boolean}} [options]
   * @param {{onSegment?: Function}} [how]
   */
  async transcribe(audio, options = {}, how = {}) {
    const onSegment = typeof how.onSegment === "function" ? how.onSegment : null;
    const text = await this.#run("transcribe", { audio: audioArg(audio), options, segments: !!onSegment }, onSegment);
    this.lastJSON = text;
    return JSON.parse(text);
  }

  /**
   * Starts recognizing live audio (asr.Stream: segments cut at pauses, the
   * open one decoded again every 0.5 s of audio). write(samples) sends mono
   * samples at sampleRate (the Float32Array is transferred to the worker)
   * and resolves with {events, duration, seconds}: events are partial results
   * of the open segment ({final: false, start, end, text, words?}), which the
   * next one replaces, and final segments (final: true), which stay; seconds
   * is the worker's time for this write. close(name) finalizes the open
   * segment and adds result: the finals as one transcription (the JSON
   * record of transcribe()). Writes are handled in order.
   * @param {object} [options]  as transcribe's (nbest is ignored)
   * @param {number} [sampleRate]
   */
  async openStream(options = {}, sampleRate = 16000) {
    const id = await this.#run("streamOpen", { sampleRate, options });
    const w = this.#worker;
    const gone = () => Promise.reject(new EcouteError("the stream's worker was restarted", "exit"));
    return {
      id,
      write: (samples) => (this.#worker === w ? this.#call("streamWrite", { stream: id, samples }, [samples.buffer]) : gone()),
      close: (name = "") => (this.#worker === w ? this.#call("streamClose", { stream: id, name }) : gone()),
    };
  }

  /** MFCCs or log-mel energies for display: {kind, frames, dims, frameShift, data: Float32Array}. */
  features(audio, options = {}) {
    return this.#run("features", { audio: audioArg(audio), options });
  }

  /** Decoded mono samples, resampled to sampleRate (default 16000). */
  decode(audio, sampleRate = 16000) {
    return this.#run("decode", { audio: audioArg(audio), sampleRate });
  }

  /**
   * Forced alignment: finds where each word of a known text is spoken in the
   * audio and returns the file `transcribe align --format FORMAT` writes for
   * them (asr.Recognizer.Align, transcript.FormatAlignment): subtitles cut
   * at pauses and sentence ends (srt, vtt), word times (json) or a Praat
   * TextGrid. Rejects with code "empty-text" (no word the model can spell),
   * "no-speech" or "text-too-long" (more text than the audio can hold).
   * @param {Blob|ArrayBuffer|ArrayBufferView|{samples: Float32Array, sampleRate: number}} audio
   * @param {string} text  the words spoken, as written
   * @param {{format?: "srt"|"vtt"|"json"|"textgrid", name?: string, maxChars?: number, maxLines?: number, maxSeconds?: number, minPause?: number}} [options]
   *   as the CLI's --format, --max-chars, --max-lines, --max-seconds and --min-pause; name is json's "file"
   * @returns {Promise<string>}
   */
  align(audio, text, options = {}) {
    return this.#run("align", { audio: audioArg(audio), text: String(text ?? ""), options });
  }

  /**
   * A transcription's result as a file, written by the module with the CLI's
   * writers (asr/transcript): byte for byte what `transcribe --format KIND`
   * prints for the same audio and options.
   * @param {object|string} result  what transcribe() returned, or its JSON text (lastJSON)
   * @param {"txt"|"json"|"srt"|"vtt"|"tsv"|"trn"} kind
   * @param {{name?: string, timestamps?: boolean, nbest?: number}} [options]  as the CLI's flags
   * @returns {Promise<string>}
   */
  format(result, kind, options = {}) {
    return this.#run("format", { result: typeof result === "string" ? result : JSON.stringify(result), format: kind, options });
  }

  /** Stops the worker; the next call starts a new one. */
  terminate() {
    if (this.#worker) this.#die(this.#worker, new EcouteError("terminated", "exit"));
  }

  /**
   * Stops the call in progress (it rejects with code "cancelled"); resolves
   * when the recognizer is ready again. A transcription given onSegment is
   * asked to stop at its next segment, and the worker stays. Otherwise, or
   * when it has not stopped within cancelWaitMs, the worker is ended and a
   * new one started, warmed up like the first (the module comes from the
   * browser's cache). lastCancel says which happened.
   */
  async cancel() {
    const w = this.#worker;
    const calls = [...this.#pending.values()];
    if (w && calls.length === 1 && calls[0].onSegment) {
      const job = calls[0];
      const settled = new Promise((resolve) => {
        const { resolve: ok, reject: fail } = job;
        job.resolve = (v) => { ok(v); resolve(true); };
        job.reject = (e) => { fail(e); resolve(true); };
      });
      job.onSegment = null; // no more partial results for a cancelled job
      w.postMessage({ id: 0, op: "cancel", args: { target: job.id } });
      let timer;
      const stopped = await Promise.race([settled, new Promise((r) => { timer = setTimeout(() => r(false), this.cancelWaitMs); })]);
      clearTimeout(timer);
      if (stopped && this.#worker === w) {
        this.lastCancel = "segment";
        return this.#start();
      }
    }
    this.lastCancel = "restart";
    if (this.#worker) this.#die(this.#worker, new EcouteError("cancelled", "cancelled"));
    return this.#start();
  }

  /** Whether a call is in progress (or waiting in the worker's queue). */
  get busy() {
    return this.#pending.size > 0;
  }
}

function copyBuffer(b) {
  if (b instanceof ArrayBuffer) return b.slice(0);
  if (ArrayBuffer.isView(b)) return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  throw new EcouteError("model must be an ArrayBuffer or Uint8Array", "options");
}

function audioArg(a) {
  if (a && a.samples instanceof Float32Array) return { samples: a.samples, sampleRate: a.sampleRate };
  if (a instanceof Blob || a instanceof ArrayBuffer || ArrayBuffer.isView(a)) return a;
  throw new EcouteError("audio must be a File/Blob, an ArrayBuffer, a Uint8Array or {samples: Float32Array, sampleRate}", "options");
}
