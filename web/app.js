// app.js: the ecoute demo page. It loads the recognizer (ecoute.js, which
// runs ecoute.wasm in a Web Worker), takes audio from a dropped or picked
// file or from the microphone, and shows the transcript with word timing,
// the waveform, a log-mel heatmap, the n-best list and timings.
import { Ecoute } from "./ecoute.js";
import { speedText, bytesText } from "./format.js";

const $ = (id) => document.getElementById(id);
const ui = {
  status: $("status"), drop: $("drop"), file: $("file"), record: $("record"),
  level: $("level"), levelBar: $("level").firstElementChild, recTime: $("rec-time"),
  error: $("error"), result: $("result"), player: $("player"), transcript: $("transcript"),
  waveform: $("waveform"), heatmap: $("heatmap"), nbest: $("nbest"), timings: $("timings"),
  json: $("json"), progress: $("progress"), cancel: $("cancel"), showTimes: $("show-times"),
  live: $("live"), alignText: $("align-text"), alignFormat: $("align-format"), alignRun: $("align-run"),
  alignStatus: $("align-status"), alignOut: $("align-out"),
};

// State shared with the end-to-end test (tests/browser) and the console.
const demo = (window.ecouteDemo = {
  engine: null, result: null, loadSeconds: null, firstTranscriptMs: null,
  runs: 0, lastError: null, timings: null, cancels: 0, firstLoadProgress: null, exports: {},
  live: null, // the last recording's live transcript: see startRecording
  aligned: null, // the last "Align a text" result: {format, text, seconds}
});

let engine = null;
let generation = 0; // bumps for every new input; stale results are dropped
let current = null; // {words, duration, wave, heat}

function setState(state, text) {
  document.body.dataset.state = state;
  if (text !== undefined) ui.status.textContent = text;
}

// ---------- errors ----------

function explain(err) {
  const msg = (err && err.message) || String(err);
  switch (err && (err.code || err.name)) {
    case "format":
      return ["This file is not audio the recognizer can read.", `${msg}. The recognizer reads WAV (PCM, float, A-law, µ-law) and MP3, and this browser decodes what it can play (usually FLAC, OGG, Opus, M4A/AAC, WebM). Convert other formats first, e.g. "ffmpeg -i in.xyz out.wav".`];
    case "options":
      return ["An option is not valid.", msg + ". Check the fields under Options."];
    case "empty":
      return ["There is no audio to transcribe.", msg + "."];
    case "too-long":
    case "too-large":
      return ["This recording is too long for the browser.", msg + "."];
    case "empty-text":
      return ["There is no text to align.", msg + ". Paste the words the recording says under \u201cAlign a text\u201d."];
    case "no-speech":
      return ["There is no speech to align the text to.", msg + "."];
    case "text-too-long":
      return ["The text is too long for this recording.", msg];
    case "model":
      return ["The model could not be loaded.", msg + "."];
    case "fetch":
      return ["The recognizer could not be loaded.", msg];
    case "exit":
      return ["The recognizer ran out of memory.", msg + ". The page is still usable."];
    case "NotAllowedError":
    case "SecurityError":
      return ["Microphone access was denied.", "Allow the microphone for this page in the browser's site settings (the icon left of the address bar), then press Record again. You can still drop a file."];
    case "NotFoundError":
    case "OverconstrainedError":
      return ["No microphone was found.", "Connect a microphone, or drop a WAV or FLAC file instead."];
    case "NotReadableError":
      return ["The microphone could not be opened.", "Another application may be using it. " + msg];
    case "insecure":
      return ["Recording needs a secure page.", "Browsers only allow the microphone on https:// pages or on localhost."];
    default:
      return ["Something went wrong.", msg];
  }
}

function showError(err) {
  const [title, detail] = explain(err);
  demo.lastError = { code: (err && (err.code || err.name)) || "", message: (err && err.message) || String(err) };
  ui.error.replaceChildren();
  const t = document.createElement("strong");
  t.textContent = title;
  const d = document.createElement("span");
  d.textContent = detail.charAt(0).toUpperCase() + detail.slice(1);
  ui.error.append(t, d);
  ui.error.hidden = false;
  setState(engine ? "error" : "failed", engine ? "Ready for the next file or recording." : "The recognizer is not available.");
}

function clearError() {
  ui.error.hidden = true;
  demo.lastError = null;
}

// ---------- loading ----------

async function start(model, name) {
  if ("serviceWorker" in navigator && location.protocol !== "file:") {
    navigator.serviceWorker.register("sw.js").catch(() => {}); // offline support is optional
  }
  const t0 = performance.now();
  setState("loading", model ? `Loading ${name}…` : "Loading the recognizer…");
  ui.record.disabled = true;
  try {
    const e = await Ecoute.load({ ...(model ? { model } : {}), onProgress: loadProgress });
    ui.progress.hidden = true;
    if (engine) engine.terminate();
    engine = e;
    $("model-name").textContent = model ? name : "the built-in English model";
  } catch (err) {
    if (err.code === "model") {
      $("options").open = true;
      err.message += model ? "" : ". Choose a model file (.safetensors, made by transcribe train) under Options";
    }
    showError(err);
    if (engine) setState("ready", "Still using the previous model.");
    ui.record.disabled = !engine;
    return;
  }
  demo.engine = engine;
  demo.loadSeconds = (performance.now() - t0) / 1000;
  const i = engine.info;
  const d = i.defaults || {};
  if (d.beam !== undefined) $("opt-beam").value = d.beam;
  if (d.nbest !== undefined) $("opt-nbest").value = d.nbest;
  if (d.lm !== undefined) $("opt-lm").checked = d.lm;
  if (d.timestamps !== undefined) $("opt-timestamps").checked = d.timestamps;
  setState("ready", `Ready: ${i.model.source} model (${(i.model.bytes / 1e6).toFixed(1)} MB) loaded in ${demo.loadSeconds.toFixed(2)} s. Drop a file or press Record.`);
  ui.record.disabled = false;
}

// loadProgress shows the module's download in bytes, then the later steps.
function loadProgress(p) {
  const b = document.body.dataset.state;
  if (b !== "loading" && b !== "busy") return;
  if (p.phase === "download") {
    if (!demo.firstLoadProgress && p.loaded > 0) demo.firstLoadProgress = { ...p };
    const of = p.total ? ` of ${bytesText(p.total)} (${Math.floor((100 * p.loaded) / p.total)}%)` : "";
    ui.status.textContent = `Downloading the recognizer: ${bytesText(p.loaded)}${of}…`;
    ui.progress.hidden = false;
    if (p.total) ui.progress.value = Math.min(1, p.loaded / p.total);
    else ui.progress.removeAttribute("value");
  } else if (p.phase === "model") {
    ui.status.textContent = "Starting the recognizer and loading the model…";
    ui.progress.removeAttribute("value");
  } else if (p.phase === "warm") {
    ui.status.textContent = "Warming up the recognizer…";
  }
}

// ---------- input: files ----------

$("model-file").addEventListener("change", async () => {
  const f = $("model-file").files && $("model-file").files[0];
  if (f) start(await f.arrayBuffer(), f.name);
});

ui.file.addEventListener("change", () => {
  const f = ui.file.files && ui.file.files[0];
  if (f) analyseFile(f);
  ui.file.value = ""; // picking the same file again fires change again
});
for (const ev of ["dragenter", "dragover"]) {
  ui.drop.addEventListener(ev, (e) => { e.preventDefault(); ui.drop.classList.add("over"); });
}
for (const ev of ["dragleave", "drop"]) {
  ui.drop.addEventListener(ev, () => ui.drop.classList.remove("over"));
}
ui.drop.addEventListener("drop", (e) => {
  e.preventDefault();
  const f = e.dataTransfer.files && e.dataTransfer.files[0];
  if (f) analyseFile(f);
});
ui.drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") ui.file.click(); });
window.addEventListener("dragover", (e) => e.preventDefault()); // a missed drop must not navigate away
window.addEventListener("drop", (e) => e.preventDefault());

function analyseFile(file) {
  ui.live.hidden = true;
  analyse(file, file.name, URL.createObjectURL(file), file.size);
}

// ---------- input: microphone ----------

// While recording, the microphone's samples (16 kHz chunks of about 100 ms
// from recorder-worklet.js) go to a live stream in the worker (asr.Stream):
// its partial results (the open segment, decoded again every 0.5 s of
// audio) show in the partial style and turn into final text as pauses close
// segments. Stop sends the rest and closes the stream, which finalizes the
// open segment; the finals, as one result, are then shown and exported like
// a file's transcript.
let rec = null; // {ctx, stream, node, live, chunks, n, t0, peak, finals, partial, writes}

ui.record.addEventListener("click", () => (rec ? stopRecording() : startRecording()));

async function startRecording() {
  clearError();
  if (engine && engine.busy) await cancelJob("Stopping the previous transcription…");
  generation++; // a result still on its way belongs to the old input
  clearResult();
  ui.live.replaceChildren();
  ui.live.hidden = true;
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    showError({ code: "insecure" });
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: true },
    });
  } catch (err) {
    showError(err);
    return;
  }
  try {
    const live = await engine.openStream(readOptions(), 16000);
    const ctx = new AudioContext();
    await ctx.audioWorklet.addModule(new URL("recorder-worklet.js", import.meta.url));
    const src = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, "ecoute-recorder", { processorOptions: { sampleRate: 16000 } });
    const mute = ctx.createGain();
    mute.gain.value = 0;
    src.connect(node).connect(mute).connect(ctx.destination);
    const r = { ctx, stream, node, live, chunks: [], n: 0, t0: performance.now(), peak: 0, finals: [], partial: "", queue: [], queuedAt: 0, inflight: null, failed: null };
    // demo.live: every update of the stream (for the test and the console):
    // when it came (s after Record), the audio written so far, the audio and
    // the number of worklet chunks in the write, the worker's time for it,
    // the time from the first of those chunks' arrival to the update, its events.
    demo.live = { updates: [], finals: [], recorded: null, closeSeconds: null, stopSeconds: null };
    rec = r;
    node.port.onmessage = (ev) => recordChunk(r, ev.data);
    await ctx.resume();
    ui.record.classList.add("on");
    ui.record.querySelector(".label").textContent = "Stop";
    setState("recording", "Recording… the text appears as you speak; press Stop when done.");
  } catch (err) {
    stream.getTracks().forEach((t) => t.stop());
    rec = null;
    showError(err);
  }
}

// recordChunk keeps a chunk from the worklet and sends a copy to the stream.
function recordChunk(r, m) {
  if (m.flushed || !m.samples) return;
  r.chunks.push(m.samples);
  r.n += m.samples.length;
  r.peak = Math.max(r.peak, m.peak);
  sendLive(r, m.samples);
  if (rec !== r) return;
  const level = Math.min(1, Math.sqrt(m.rms) * 1.8); // square root: a readable meter for speech levels
  ui.levelBar.style.width = `${(level * 100).toFixed(0)}%`;
  ui.level.setAttribute("aria-valuenow", level.toFixed(2));
  const sec = r.n / 16000;
  ui.recTime.textContent = `${sec.toFixed(1)} s at 16 kHz (mic ${r.ctx.sampleRate} Hz)`;
  const max = engine && engine.info ? engine.info.limits.maxSeconds : 600;
  if (sec >= max) stopRecording();
}

// sendLive queues a copy of samples for the stream. One write is in
// flight at a time: chunks that arrive meanwhile go together in the next
// one, so when decoding falls behind the microphone the stream gets fewer,
// longer writes and decodes partials less often instead of queueing work
// (its finals do not depend on how the audio is split into writes).
function sendLive(r, samples) {
  if (!samples.length || r.failed) return;
  if (!r.queue.length) r.queuedAt = performance.now();
  r.queue.push(samples.slice());
  if (!r.inflight) pumpLive(r);
}

function pumpLive(r) {
  if (!r.queue.length || r.failed) {
    r.inflight = null;
    return;
  }
  const x = new Float32Array(r.queue.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of r.queue) { x.set(c, o); o += c.length; }
  const sent = r.queuedAt, n = x.length, recording = rec === r, chunks = r.queue.length;
  r.queue = [];
  r.inflight = r.live.write(x).then(
    (u) => { liveUpdate(r, u, sent, n, recording, chunks); pumpLive(r); },
    (err) => { r.failed = err; r.inflight = null; });
}

function liveUpdate(r, u, sent, n, recording, chunks = 1) {
  const now = performance.now();
  for (const ev of u.events) {
    if (ev.final) {
      if (ev.text) r.finals.push(ev.text);
      demo.live.finals.push({ start: ev.start, end: ev.end, text: ev.text });
      r.partial = "";
    } else {
      r.partial = ev.text;
    }
  }
  demo.live.updates.push({
    at: (now - r.t0) / 1000, audio: u.duration, chunk: n / 16000, chunks, work: u.seconds, lag: (now - sent) / 1000, recording,
    events: u.events.map((e) => ({ final: e.final, text: e.text })),
  });
  if (r.stale) return;
  const parts = r.finals.map((t) => Object.assign(document.createElement("span"), { className: "final", textContent: t + " " }));
  if (r.partial) parts.push(Object.assign(document.createElement("span"), { className: "partial", textContent: r.partial }));
  ui.live.replaceChildren(...parts);
  ui.live.hidden = parts.length === 0;
}

async function stopRecording() {
  const r = rec;
  if (!r) return;
  const stopAt = performance.now();
  rec = null;
  ui.record.classList.remove("on");
  ui.record.querySelector(".label").textContent = "Record";
  ui.levelBar.style.width = "0";
  const tail = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(new Float32Array(0)), 500);
    r.node.port.onmessage = (ev) => {
      if (ev.data.flushed) { clearTimeout(timer); resolve(ev.data.samples); } else recordChunk(r, ev.data);
    };
    r.node.port.postMessage({ type: "flush" });
  });
  r.chunks.push(tail);
  sendLive(r, tail);
  r.stream.getTracks().forEach((t) => t.stop());
  r.ctx.close();
  const samples = new Float32Array(r.chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of r.chunks) { samples.set(c, o); o += c.length; }
  demo.live.recorded = samples;
  if (samples.length < 1600 || r.peak < 1e-4) {
    r.stale = true;
    r.live.close().catch(() => {});
    ui.live.hidden = true;
    showError({ code: "empty", message: samples.length < 1600 ? "The recording is empty (shorter than 0.1 s)" : "The recording is silent: check that the right microphone is selected and not muted" });
    return;
  }
  // Stop finalizes the open segment, after the last chunks are written.
  let given = null;
  setState("busy", "Finishing the transcript…");
  try {
    while (r.inflight) await r.inflight;
    if (r.failed) throw r.failed;
    const t = performance.now();
    const u = await r.live.close("recording");
    liveUpdate(r, u, t, 0, false);
    demo.live.closeSeconds = (performance.now() - t) / 1000;
    demo.live.stopSeconds = (performance.now() - stopAt) / 1000;
    given = { json: JSON.stringify(u.result), seconds: demo.live.closeSeconds };
  } catch (err) {
    // The live stream failed (a worker restart, the length limit): the
    // recording is transcribed whole instead.
    console.warn("live transcript:", err);
  }
  r.stale = true;
  analyse({ samples, sampleRate: 16000 }, "recording", URL.createObjectURL(wavBlob(samples, 16000)), samples.length * 4, given);
}

// wavBlob encodes mono samples as a 16-bit WAV for playback.
function wavBlob(x, rate) {
  const b = new DataView(new ArrayBuffer(44 + 2 * x.length));
  const str = (o, s) => { for (let i = 0; i < s.length; i++) b.setUint8(o + i, s.charCodeAt(i)); };
  str(0, "RIFF"); b.setUint32(4, 36 + 2 * x.length, true); str(8, "WAVE");
  str(12, "fmt "); b.setUint32(16, 16, true); b.setUint16(20, 1, true); b.setUint16(22, 1, true);
  b.setUint32(24, rate, true); b.setUint32(28, 2 * rate, true); b.setUint16(32, 2, true); b.setUint16(34, 16, true);
  str(36, "data"); b.setUint32(40, 2 * x.length, true);
  for (let i = 0; i < x.length; i++) b.setInt16(44 + 2 * i, Math.max(-32768, Math.min(32767, Math.round(x[i] * 32767))), true);
  return new Blob([b.buffer], { type: "audio/wav" });
}

// ---------- the pipeline ----------

function readOptions() {
  const o = {
    beam: Math.max(1, parseInt($("opt-beam").value, 10) || 1),
    nbest: Math.max(0, parseInt($("opt-nbest").value, 10) || 0),
    lm: $("opt-lm").checked,
    timestamps: $("opt-timestamps").checked,
    punctuate: $("opt-punctuate").checked,
  };
  const hw = $("opt-hotwords").value.trim();
  if (hw) o.hotwords = hw;
  return o;
}

// cancelJob stops the job in the worker (ending the worker, the only way to
// stop WebAssembly mid-call) and waits for a fresh, warmed-up one. It
// returns the seconds that took, or false when the restart failed.
async function cancelJob(message) {
  if (!engine) return false;
  const t = performance.now();
  setState("busy", message);
  showCancel(false);
  demo.cancels++;
  try {
    await engine.cancel();
    demo.lastCancel = engine.lastCancel;
  } catch (err) {
    showError(err);
    return false;
  }
  return (performance.now() - t) / 1000;
}

function showCancel(on) {
  ui.cancel.hidden = !on;
  if (!on) ui.progress.hidden = true;
}

ui.cancel.addEventListener("click", async () => {
  generation++; // the job's result, if it still comes, is dropped
  stopEstimate();
  if ((await cancelJob("Cancelling…")) !== false) {
    setState("ready", "Cancelled. Ready for the next file or recording.");
  }
});

// clearResult hides the previous input's views, so that nothing of it
// passes for the next one while that is read and transcribed.
function clearResult() {
  ui.result.hidden = true;
  current = null;
  lastWord = -1;
  ui.alignStatus.textContent = "";
  ui.alignOut.hidden = true;
  ui.alignOut.textContent = "";
  ui.transcript.replaceChildren();
  ui.nbest.replaceChildren();
  ui.json.textContent = "";
  ui.timings.replaceChildren();
  for (const c of [ui.waveform, ui.heatmap]) c.getContext("2d").clearRect(0, 0, c.width, c.height);
}

// browserDecode decodes what the module cannot read (FLAC, OGG, Opus,
// M4A/AAC, WebM, ...) with the browser's own decoders, resampled by the browser to
// 16 kHz, and mixes it to mono (the mean of the channels, as audio.Decode
// does). moduleErr is why the module refused it.
async function browserDecode(file, moduleErr) {
  const max = engine.info.limits.maxBytes;
  if (file.size > max) {
    throw Object.assign(new Error(`the file is ${bytesText(file.size)}; this page handles files up to ${bytesText(max)}`), { code: "too-large" });
  }
  let ab;
  try {
    ab = await new OfflineAudioContext(1, 1, 16000).decodeAudioData(await file.arrayBuffer());
  } catch (e) {
    throw Object.assign(new Error(`${moduleErr.message}; this browser cannot decode it either (${e.message || e.name})`), { code: "format" });
  }
  const n = ab.length, ch = ab.numberOfChannels, x = new Float32Array(n);
  for (let c = 0; c < ch; c++) {
    const d = ab.getChannelData(c);
    for (let i = 0; i < n; i++) x[i] += d[i];
  }
  if (ch > 1) for (let i = 0; i < n; i++) x[i] /= ch;
  return { audio: { samples: x, sampleRate: ab.sampleRate }, channels: ch };
}

// Progress of a transcription: the recognizer cuts long audio at pauses
// and reports each stretch as it finishes it, with the seconds of audio
// done; the page shows the percent and the text so far, in the partial
// style, until the whole result replaces it.
function startProgress(duration) {
  ui.progress.hidden = false;
  ui.progress.value = 0;
  ui.status.textContent = `Transcribing ${duration.toFixed(1)} s of audio… 0%`;
  demo.segments = [];
}
function showSegment(s, stale) {
  if (stale()) return;
  const f = s.total > 0 ? Math.min(1, s.done / s.total) : 0;
  ui.progress.value = f;
  ui.status.textContent = `Transcribing ${s.total.toFixed(1)} s of audio… ${Math.floor(100 * f)}% (${s.done.toFixed(1)} s done)`;
  if (s.segment.text) {
    const p = document.createElement("span");
    p.className = "partial";
    p.textContent = s.segment.text + " ";
    p.title = `${s.segment.start.toFixed(2)}–${s.segment.end.toFixed(2)} s, still being transcribed`;
    ui.transcript.append(p);
  }
  demo.segments.push({ done: s.done, total: s.total, text: s.segment.text, shown: ui.transcript.textContent, state: document.body.dataset.state });
}
function stopEstimate() {
  ui.progress.hidden = true;
}

// analyse decodes, transcribes and shows audio. given, for a recording, is
// the live stream's result ({json, seconds}), shown instead of transcribing
// the audio again.
async function analyse(audio, label, playURL, bytes, given = null) {
  if (!engine) return;
  const gen = ++generation;
  clearError();
  const stale = () => gen !== generation;
  const times = { label, bytes };
  clearResult(); // the previous result must not pass for this input's
  if (engine.busy) {
    // A new input replaces the job in progress instead of queueing behind it.
    times.stopped = await cancelJob("Stopping the previous job…");
    if (stale() || times.stopped === false) return;
  }
  setState("busy", `Reading ${label}…`);
  showCancel(true);
  try {
    let dec, via = "";
    try {
      dec = await engine.decode(audio, 16000);
      times.decode = engine.lastStats.seconds; // in the worker: no queue wait
    } catch (err) {
      if (stale()) return;
      if (err.code !== "format" || !(audio instanceof Blob)) throw err;
      const t = performance.now();
      const b = await browserDecode(audio, err);
      if (stale()) return;
      audio = b.audio;
      via = `decoded by the browser, ${b.channels} ch`;
      dec = await engine.decode(audio, 16000);
      times.decode = (performance.now() - t) / 1000;
    }
    if (stale()) return;
    times.duration = dec.samples.length / dec.sampleRate;
    times.source = via || `${dec.format}, ${dec.sourceSampleRate} Hz, ${dec.channels} ch`;
    ui.player.src = playURL;
    ui.result.hidden = false;
    current = { words: [], duration: times.duration, wave: null, heat: null, label, json: null, audio };
    current.wave = drawWaveform(dec.samples, dec.sampleRate);
    let t = performance.now(), res;
    if (given) {
      res = JSON.parse(given.json);
      current.json = given.json;
      times.transcribe = given.seconds;
      times.source += ", transcribed live";
    } else {
      setState("busy", `Transcribing ${times.duration.toFixed(1)} s of audio…`);
      startProgress(times.duration);
      res = await engine.transcribe(audio, readOptions(), { onSegment: (s) => showSegment(s, stale) });
      if (stale()) return;
      stopEstimate();
      times.transcribe = (performance.now() - t) / 1000;
      if (res.duration > 0 && res.processing_time > 0) demo.speed = res.processing_time / res.duration;
      current.json = engine.lastJSON;
    }
    times.worker = engine.lastStats.seconds;
    times.memory = engine.lastStats.memory;
    demo.result = res;
    demo.runs++;
    if (demo.firstTranscriptMs === null) demo.firstTranscriptMs = performance.now();
    renderResult(res);
    ui.live.hidden = true; // the result's transcript shows the same text
    setState("busy", "Computing the spectrogram…");

    t = performance.now();
    const fb = await engine.features(audio, { kind: "fbank", bins: 64 });
    if (stale()) return;
    times.features = (performance.now() - t) / 1000;
    current.heat = drawHeatmap(fb);
    demo.timings = times;
    renderTimings(times);
    redrawCursor();
    showCancel(false);
    setState("done", `Done: ${label}. Play it to follow the words.`);
  } catch (err) {
    if (stale() || err.code === "cancelled") return;
    stopEstimate();
    showCancel(false);
    showError(err);
  }
}

// ---------- export ----------

const MIME = { txt: "text/plain", srt: "application/x-subrip", vtt: "text/vtt", json: "application/json" };

// exportText is the current result in a format, written by the module with
// the CLI's writers (asr/transcript): what `transcribe --format KIND` prints
// for one input. Each is written once per result.
function exportText(kind) {
  if (!current || !current.json || !engine) return Promise.resolve(null);
  current.exports ||= {};
  const exports = current.exports;
  return (exports[kind] ||= engine.format(current.json, kind).catch((err) => { delete exports[kind]; throw err; }));
}

for (const b of document.querySelectorAll("[data-export]")) {
  b.addEventListener("click", async () => {
    const kind = b.dataset.export;
    let text;
    try {
      text = await exportText(kind);
    } catch (err) {
      showError(err);
      return;
    }
    if (text === null) return;
    demo.exports[kind] = text;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: MIME[kind] + ";charset=utf-8" }));
    a.download = `${(current.label || "transcript").replace(/\.[^.]*$/, "") || "transcript"}.${kind}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  });
}

$("copy").addEventListener("click", async () => {
  if (!demo.result) return;
  let text;
  try {
    text = (await exportText("txt") ?? "").replace(/\n$/, ""); // the CLI's txt without its newline
  } catch (err) {
    showError(err);
    return;
  }
  demo.exports.copy = text;
  try {
    await navigator.clipboard.writeText(text);
    $("copy").textContent = "Copied";
  } catch {
    // No clipboard permission: select the transcript so Ctrl-C copies it.
    getSelection().selectAllChildren(ui.transcript);
    $("copy").textContent = "Selected: press Ctrl-C";
  }
  setTimeout(() => { $("copy").textContent = "Copy text"; }, 2000);
});

// ---------- align a text ----------

// alignText times the pasted text against the current audio (forced
// alignment in the worker: asr.Recognizer.Align) and downloads the file
// `transcribe align --format FORMAT` writes for it.
const ALIGN_MIME = { srt: "application/x-subrip", vtt: "text/vtt", json: "application/json", textgrid: "text/plain" };
const ALIGN_EXT = { srt: "srt", vtt: "vtt", json: "json", textgrid: "TextGrid" };

async function alignText() {
  const c = current;
  if (!c || !c.audio || !engine) return;
  const format = ui.alignFormat.value;
  clearError();
  ui.alignRun.disabled = true;
  ui.alignOut.hidden = true;
  ui.alignStatus.textContent = "Aligning…";
  const t = performance.now();
  let text;
  try {
    text = await engine.align(c.audio, ui.alignText.value, { format, name: c.label });
  } catch (err) {
    if (current === c) ui.alignStatus.textContent = "";
    if (err.code !== "cancelled") showError(err);
    return;
  } finally {
    ui.alignRun.disabled = false;
  }
  if (current !== c) return; // another input replaced this one meanwhile
  const seconds = (performance.now() - t) / 1000;
  demo.aligned = { format, text, seconds };
  ui.alignOut.textContent = text;
  ui.alignOut.hidden = false;
  const name = `${(c.label || "aligned").replace(/\.[^.]*$/, "") || "aligned"}.${ALIGN_EXT[format]}`;
  ui.alignStatus.textContent = `Aligned in ${seconds.toFixed(2)} s: ${name}`;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: ALIGN_MIME[format] + ";charset=utf-8" }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}
ui.alignRun.addEventListener("click", alignText);

ui.showTimes.addEventListener("change", () => ui.transcript.classList.toggle("times", ui.showTimes.checked));

// ---------- rendering ----------

function renderResult(res) {
  ui.json.textContent = JSON.stringify(res, null, 2);
  ui.transcript.replaceChildren();
  const words = res.words || [];
  current.words = words;
  if (!res.text) {
    const e = document.createElement("span");
    e.className = "empty";
    e.textContent = "(no speech recognised)";
    ui.transcript.append(e);
  } else if (words.length) {
    words.forEach((w, i) => {
      const s = document.createElement("span");
      const tm = document.createElement("span");
      tm.className = "t";
      tm.textContent = `${w.start.toFixed(2)}–${w.end.toFixed(2)}`;
      ui.transcript.append(tm);
      s.className = "w" + (w.confidence < 0.5 ? " low" : "");
      s.textContent = w.word;
      s.dataset.i = i;
      s.title = `${w.start.toFixed(2)}–${w.end.toFixed(2)} s, confidence ${(w.confidence * 100).toFixed(0)}%`;
      s.addEventListener("click", () => { ui.player.currentTime = w.start; ui.player.play(); });
      ui.transcript.append(s, " ");
    });
  } else {
    ui.transcript.textContent = res.text;
  }
  ui.nbest.replaceChildren();
  for (const h of res.nbest || []) {
    const li = document.createElement("li");
    li.textContent = h.text || "(empty)";
    const sc = document.createElement("span");
    sc.className = "score";
    sc.textContent = `score ${fmt(h.score)}` + (h.lm_score ? `, acoustic ${fmt(h.acoustic_score)}, LM ${fmt(h.lm_score)}` : "");
    li.append(sc);
    ui.nbest.append(li);
  }
  if (!ui.nbest.children.length) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = "set N-best above 0 to see alternatives";
    ui.nbest.append(li);
  }
}

function fmt(x) { return typeof x === "number" ? x.toFixed(2) : "–"; }

function renderTimings(t) {
  const rows = [
    ["input", `${t.label} (${t.source})`],
    ["audio", `${t.duration.toFixed(2)} s`],
    ["model load", demo.loadSeconds !== null ? `${demo.loadSeconds.toFixed(2)} s (module ${engine.info.wasmSeconds.toFixed(2)} s, model ${engine.info.modelSeconds.toFixed(2)} s, warm-up ${(engine.info.warmSeconds || 0).toFixed(2)} s)` : "–"],
    ...(t.stopped ? [["previous job", `stopped, recognizer restarted in ${t.stopped.toFixed(2)} s`]] : []),
    ["decode", `${t.decode.toFixed(3)} s`],
    ["transcription", `${t.transcribe.toFixed(3)} s`],
    ["real-time factor", speedText(t.transcribe, t.duration)],
    ["spectrogram", `${t.features.toFixed(3)} s`],
    ["first transcript", `${(demo.firstTranscriptMs / 1000).toFixed(2)} s after the page started loading`],
    ["module memory", `${(t.memory / 2 ** 20).toFixed(0)} MiB`],
  ];
  ui.timings.replaceChildren();
  for (const [k, v] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    ui.timings.append(dt, dd);
  }
}

function sizeCanvas(c) {
  const dpr = window.devicePixelRatio || 1;
  c.width = Math.max(1, Math.round(c.clientWidth * dpr));
  c.height = Math.max(1, Math.round(c.clientHeight * dpr));
  return c.getContext("2d");
}

// drawWaveform draws min/max per pixel column and returns the image, so
// the playback cursor can be drawn over it.
function drawWaveform(x, rate) {
  const c = ui.waveform;
  const g = sizeCanvas(c);
  const W = c.width, H = c.height, mid = H / 2;
  g.fillStyle = "#fff";
  g.fillRect(0, 0, W, H);
  g.strokeStyle = "#e3e0d9";
  g.beginPath(); g.moveTo(0, mid); g.lineTo(W, mid); g.stroke();
  g.fillStyle = "#2456c7";
  const per = x.length / W;
  let peak = 1e-9;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const scale = (0.95 * mid) / Math.max(peak, 0.05);
  for (let px = 0; px < W; px++) {
    let lo = 0, hi = 0;
    const a = Math.floor(px * per), b = Math.min(x.length, Math.floor((px + 1) * per) + 1);
    for (let i = a; i < b; i++) { const v = x[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
    g.fillRect(px, mid - hi * scale, 1, Math.max(1, (hi - lo) * scale));
  }
  return g.getImageData(0, 0, W, H);
}

function drawWordBands(g, W, H, dur) {
  if (!current || !current.words.length || !dur) return;
  const dpr = window.devicePixelRatio || 1;
  g.font = `${11 * dpr}px system-ui, sans-serif`;
  g.textBaseline = "top";
  current.words.forEach((w, i) => {
    const x0 = (w.start / dur) * W, x1 = (w.end / dur) * W;
    g.fillStyle = i % 2 ? "rgba(36,86,199,0.10)" : "rgba(198,40,40,0.08)";
    g.fillRect(x0, 0, Math.max(1, x1 - x0), H);
    g.fillStyle = "#333";
    g.fillText(w.word, x0 + 2, 2);
  });
}

// viridis-like colour map, 5 stops.
const STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function colour(v) {
  const p = Math.min(0.9999, Math.max(0, v)) * (STOPS.length - 1);
  const i = Math.floor(p), f = p - i, a = STOPS[i], b = STOPS[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

function drawHeatmap(fm) {
  const c = ui.heatmap;
  const g = sizeCanvas(c);
  const W = c.width, H = c.height;
  if (!fm.frames || !fm.dims) { g.clearRect(0, 0, W, H); return g.getImageData(0, 0, W, H); }
  // Log energies (natural log): show the top 9 nats (about 40 dB) below
  // the 99.9th percentile, so silence is dark and speech keeps its detail.
  const sorted = Float32Array.from(fm.data).sort();
  const hi = sorted[Math.floor(0.999 * (sorted.length - 1))];
  const lo = Math.max(sorted[0], hi - 9);
  const img = g.createImageData(W, H);
  for (let px = 0; px < W; px++) {
    const f = Math.min(fm.frames - 1, Math.floor((px / W) * fm.frames));
    for (let py = 0; py < H; py++) {
      const d = Math.min(fm.dims - 1, Math.floor(((H - 1 - py) / H) * fm.dims)); // low bins at the bottom
      const [r, gg, b] = colour((fm.data[f * fm.dims + d] - lo) / (hi - lo || 1));
      const o = 4 * (py * W + px);
      img.data[o] = r; img.data[o + 1] = gg; img.data[o + 2] = b; img.data[o + 3] = 255;
    }
  }
  g.putImageData(img, 0, 0);
  return img;
}

// ---------- playback: cursor and word highlighting ----------

let lastWord = -1;
function redrawCursor() {
  if (!current) return;
  const t = ui.player.currentTime || 0;
  const dur = current.duration || ui.player.duration || 1;
  for (const [c, img, bands] of [[ui.waveform, current.wave, true], [ui.heatmap, current.heat, false]]) {
    if (!img) continue;
    const g = c.getContext("2d");
    g.putImageData(img, 0, 0);
    if (bands) drawWordBands(g, c.width, c.height, dur);
    if (t > 0) {
      const x = (t / dur) * c.width;
      g.fillStyle = bands ? "#c62828" : "#fff";
      g.fillRect(x, 0, Math.max(1, window.devicePixelRatio || 1), c.height);
    }
  }
  let now = -1;
  if (t > 0 || !ui.player.paused) current.words.forEach((w, i) => { if (t >= w.start && t < w.end) now = i; });
  if (now !== lastWord) {
    const spans = ui.transcript.querySelectorAll(".w");
    if (spans[lastWord]) spans[lastWord].classList.remove("now");
    if (spans[now]) spans[now].classList.add("now");
    lastWord = now;
  }
}

function tick() {
  redrawCursor();
  if (!ui.player.paused) requestAnimationFrame(tick);
}
ui.player.addEventListener("play", () => requestAnimationFrame(tick));
ui.player.addEventListener("seeked", redrawCursor);
ui.player.addEventListener("ended", redrawCursor);

start();
