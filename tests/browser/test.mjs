// End-to-end test of ecoute's browser demo in a real Chromium (Debian's
// /usr/bin/chromium driven by playwright-core). run.sh builds what it needs
// and sets:
//   TRANSCRIBE  the native CLI (it serves the page: `transcribe web`)
//   NATIVE      tests/browser/native, the fallback reference and clip maker
//   OUT         where the screenshots and the report go (out/browser)
//
// It checks that
//   - the page loads the module and the default model;
//   - testdata/hello.wav through the file input gives the transcript and word
//     timestamps of the native CLI (`transcribe --format json`) on the same file;
//   - a 60-second clip is transcribed (memory and real-time factor reported,
//     against the native CLI on one thread, in the same run);
//   - non-audio files, a 2-hour file and an empty recording get clear
//     messages and the page stays usable;
//   - a fake microphone (--use-fake-device-for-media-stream) gives a live
//     transcript: partial text in its own style before Stop, then final
//     segments, each the module's offline transcription of the recorded
//     samples it covers, the last one made by Stop (streaming headroom and
//     update lag reported); a denied microphone gets a clear message;
//   - the page works offline once loaded (service worker);
//   - the first visit's and a repeat visit's transfer (counted by a TCP
//     proxy in front of `transcribe web`; a repeat visit must stay under
//     50 KB), with download progress in bytes;
//   - MP3, OGG and WebM (the browser's MediaRecorder) files transcribe;
//   - SRT, VTT, TXT and JSON downloads equal `transcribe --format ...`;
//   - "Align a text" with hello.wav's words gives the SRT, VTT, JSON and
//     TextGrid of `transcribe align --format ...`, and clear messages for a
//     text with no spellable word and one too long for the audio;
//   - an invalid hotword gets a specific title, stale views are cleared,
//     a long file shows progress in percent and partial text as the
//     recognizer finishes each stretch, Cancel stops it in the worker (at
//     the next segment, without a restart), and a file dropped during a job
//     replaces it;
//   - opened from file://, the page says why it cannot work.
// It also measures the first transcription against later ones with and
// without the warm-up, and with and without the word LM.
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import net from "node:net";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const OUT = path.resolve(root, process.env.OUT || "out/browser");
const TRANSCRIBE = process.env.TRANSCRIBE;
const NATIVE = process.env.NATIVE;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const HELLO = path.join(root, "testdata/hello.wav");
const NBEST = 3;
fs.mkdirSync(OUT, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ecoute-browser-"));
const report = {};
const log = (...a) => console.log("browser-test:", ...a);

// ---------- native reference ----------

// native returns the CLI's JSON for file (one thread, like the page's
// WebAssembly), or the native helper's when the CLI cannot say. The page
// punctuates by default (its "Punctuation and capitals" box is checked), so
// the reference is the CLI with --punctuate.
function native(file) {
  const env = { ...process.env, GOMAXPROCS: "1" };
  const cli = spawnSync(TRANSCRIBE, ["--format", "json", "--punctuate", "--nbest", String(NBEST), file], { env, encoding: "utf8" });
  if (cli.status === 0) {
    let j = JSON.parse(cli.stdout);
    if (Array.isArray(j)) j = j[0];
    if (j.results) j = j.results[0];
    return { source: "transcribe --format json", json: j };
  }
  log(`CLI reference unavailable (${(cli.stderr || "").trim().split("\n")[0]}); using tests/browser/native`);
  const n = spawnSync(NATIVE, ["-options", JSON.stringify({ nbest: NBEST, punctuate: true }), file], { env, encoding: "utf8" });
  assert.equal(n.status, 0, `native helper failed: ${n.stderr}`);
  return { source: "tests/browser/native (package wasm, native build)", json: JSON.parse(n.stdout) };
}

// sameResult compares the page's result with the native one: text and words
// exactly, times to 1 µs, confidences and scores to 1e-3 (the native build
// may use FMA kernels, the WebAssembly one is pure Go).
function sameResult(got, want, what) {
  assert.equal(got.text, want.text, `${what}: text`);
  const gw = got.words || [], ww = want.words || [];
  assert.deepEqual(gw.map((w) => w.word), ww.map((w) => w.word), `${what}: words`);
  let dt = 0, dc = 0;
  gw.forEach((w, i) => {
    dt = Math.max(dt, Math.abs(w.start - ww[i].start), Math.abs(w.end - ww[i].end));
    dc = Math.max(dc, Math.abs(w.confidence - ww[i].confidence));
  });
  assert.ok(dt < 1e-6, `${what}: word times differ by up to ${dt} s\n page: ${JSON.stringify(gw)}\n native: ${JSON.stringify(ww)}`);
  assert.ok(dc < 1e-3, `${what}: confidences differ by up to ${dc}`);
  assert.ok(Math.abs(got.duration - want.duration) < 1e-6, `${what}: duration ${got.duration} vs ${want.duration}`);
  if (want.nbest) {
    assert.deepEqual((got.nbest || []).map((h) => h.text), want.nbest.map((h) => h.text), `${what}: n-best texts`);
  }
  return { maxTimeDiff: dt, maxConfidenceDiff: dc };
}

// ---------- server and browser ----------

// proxy counts the bytes that cross between the browser and the server.
function proxy(target) {
  const t = new URL(target);
  const stats = { down: 0, up: 0 };
  const srv = net.createServer((c) => {
    const s = net.connect(Number(t.port), t.hostname);
    c.on("data", (d) => { stats.up += d.length; s.write(d); });
    s.on("data", (d) => { stats.down += d.length; c.write(d); });
    c.on("end", () => s.end());
    s.on("end", () => c.end());
    c.on("error", () => s.destroy());
    s.on("error", () => c.destroy());
  });
  return new Promise((resolve) => srv.listen(0, "127.0.0.1", () =>
    resolve({ url: `http://127.0.0.1:${srv.address().port}/`, stats, close: () => srv.close() })));
}

function serve() {
  return new Promise((resolve, reject) => {
    const p = spawn(TRANSCRIBE, ["web", "--addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
    let buf = "";
    p.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(/http:\/\/[0-9.:]+\//);
      if (m) resolve({ url: m[0], proc: p });
    });
    p.on("exit", (code) => reject(new Error(`transcribe web exited with ${code}`)));
  });
}

const baseArgs = [
  "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-quic",
  "--no-first-run", "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
];

async function launch(name, extra) {
  const dir = fs.mkdtempSync(path.join(tmp, `profile-${name}-`));
  return chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: [...baseArgs, ...extra],
    viewport: { width: 1100, height: 1400 }, deviceScaleFactor: 1,
  });
}

async function newPage(ctx, url) {
  const page = ctx.pages()[0] || (await ctx.newPage());
  page.on("console", (m) => { if (m.type() === "error") log("page console:", m.text()); });
  page.on("pageerror", (e) => log("page error:", e.message));
  await page.goto(url);
  await page.waitForFunction(() => ["ready", "failed"].includes(document.body.dataset.state), null, { timeout: 120000 });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== "ready") throw new Error(`page failed to load: ${await page.textContent("#error")}`);
  return page;
}

// run feeds an input and waits for the page to finish with it.
async function finish(page, start) {
  const before = await page.evaluate(() => window.ecouteDemo.runs);
  await start();
  await page.waitForFunction((n) => {
    const s = document.body.dataset.state;
    return s === "error" || (s === "done" && window.ecouteDemo.runs > n);
  }, before, { timeout: 300000 });
  return page.evaluate(() => ({
    state: document.body.dataset.state, result: window.ecouteDemo.result, timings: window.ecouteDemo.timings,
    error: window.ecouteDemo.lastError, errorText: document.getElementById("error").innerText,
  }));
}

async function expectError(page, start, code, words, what) {
  const r = await finish(page, start);
  assert.equal(r.state, "error", `${what}: page state ${r.state}, want error`);
  assert.equal(r.error.code, code, `${what}: error code ${r.error.code} (${r.errorText}), want ${code}`);
  assert.match(r.errorText, words, `${what}: message ${JSON.stringify(r.errorText)}`);
  log(`${what}: "${r.errorText.replace(/\n/g, " / ")}"`);
}

// ---------- the test ----------

const { url: direct, proc } = await serve();
const px = await proxy(direct);
const url = px.url;
log("serving", direct, "through the counting proxy", url);
let ctx;
try {
  ctx = await launch("main", [
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    `--use-file-for-fake-audio-capture=${HELLO}`,
  ]);
  const t0 = Date.now();
  const page = await newPage(ctx, url);
  report.pageReadySeconds = (Date.now() - t0) / 1000;
  // Download progress was shown in bytes, with the module's size.
  const prog = await page.evaluate(() => window.ecouteDemo.firstLoadProgress);
  assert.ok(prog && prog.loaded > 0 && prog.total > 1e6, `download progress: ${JSON.stringify(prog)}`);
  report.firstVisitBytesAtReady = px.stats.down;
  const info = await page.evaluate(() => window.ecouteDemo.engine.info);
  report.engine = info;
  log("ready in", report.pageReadySeconds, "s:", JSON.stringify(info));

  // 1. hello.wav through the file input equals the native CLI.
  await page.click("#options summary");
  await page.fill("#opt-nbest", String(NBEST));
  const hello = await finish(page, () => page.setInputFiles("#file", HELLO));
  assert.equal(hello.state, "done", `hello.wav: ${hello.errorText}`);
  report.timeToFirstTranscriptSeconds = (await page.evaluate(() => window.ecouteDemo.firstTranscriptMs)) / 1000;
  const ref = native(HELLO);
  report.reference = ref.source;
  report.hello = {
    text: hello.result.text, words: hello.result.words, ...sameResult(hello.result, ref.json, "hello.wav"),
    pageSeconds: hello.timings.transcribe, nativeSeconds: ref.json.processing_time,
  };
  log(`hello.wav: "${hello.result.text}" (${(hello.result.words || []).length} words) equals ${ref.source}`);
  const shownWords = await page.$$eval("#transcript .w", (s) => s.map((e) => e.textContent));
  assert.deepEqual(shownWords, (hello.result.words || []).map((w) => w.word), "words shown on the page");

  // Screenshot mid-playback: the word under the cursor is highlighted.
  const words = hello.result.words || [];
  if (words.length) {
    const w = words[Math.floor(words.length / 2)];
    await page.evaluate((t) => new Promise((res) => {
      const p = document.getElementById("player");
      p.addEventListener("seeked", () => res(), { once: true });
      p.currentTime = t;
    }), (w.start + w.end) / 2);
    const lit = await page.$$eval("#transcript .w.now", (s) => s.map((e) => e.textContent));
    assert.deepEqual(lit, [w.word], "word highlighted at its time");
  }
  await page.screenshot({ path: path.join(OUT, "screenshot.png"), fullPage: true });

  // Exports equal the CLI's writers on the same clip and options.
  report.exports = {};
  for (const kind of ["srt", "vtt", "txt", "json"]) {
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click(`[data-export="${kind}"]`)]);
    assert.equal(dl.suggestedFilename(), `hello.${kind}`);
    const got = fs.readFileSync(await dl.path(), "utf8");
    // TXT is the transcript's text: the CLI's txt without --nbest (with it,
    // the CLI lists the hypotheses instead). The page punctuates; the CLI's
    // srt and vtt are punctuated by default (transcript.ForReading), its
    // txt and json with --punctuate.
    const punct = kind === "srt" || kind === "vtt" ? [] : ["--punctuate"];
    const cli = spawnSync(TRANSCRIBE, ["--format", kind, ...punct, ...(kind === "txt" ? [] : ["--nbest", String(NBEST)]), "hello.wav"],
      { cwd: path.dirname(HELLO), encoding: "utf8", env: { ...process.env, GOMAXPROCS: "1" } });
    assert.equal(cli.status, 0, `transcribe --format ${kind}: ${cli.stderr}`);
    if (kind === "json") {
      const strip = (t) => t.replace(/"processing_time":[0-9.e+-]+/, '"processing_time":X');
      assert.equal(strip(got), strip(cli.stdout), "JSON download vs transcribe --format json");
    } else {
      assert.equal(got, cli.stdout, `${kind} download vs transcribe --format ${kind}`);
    }
    report.exports[kind] = got.length;
  }
  await page.click("#copy");
  assert.equal(await page.evaluate(() => window.ecouteDemo.exports.copy), hello.result.text, "copied text");
  await page.check("#show-times");
  const shownTimes = await page.$$eval("#transcript .t", (s) => s.filter((e) => e.offsetParent !== null).map((e) => e.textContent));
  assert.equal(shownTimes.length, (hello.result.words || []).length, "word times shown on demand");
  await page.uncheck("#show-times");
  log(`exports equal transcribe --format srt/vtt/txt/json; word times on demand: ${shownTimes.slice(0, 3).join(", ")}…`);

  // Align a text: the words of hello.wav pasted under "Align a text" and
  // timed by the module give, in every format, the file `transcribe align
  // --format F` writes for the same file and text (JSON up to its
  // processing_time). The text is cmd/transcribe/align_test.go's helloText:
  // two words the clip does not say and a symbol the model cannot spell.
  const helloText = "The quick brown fox, you know, jumps over the lazy dog. §\n";
  const helloTextFile = path.join(tmp, "hello.txt");
  fs.writeFileSync(helloTextFile, helloText);
  await page.click("#align summary");
  await page.fill("#align-text", helloText);
  report.align = {};
  for (const [format, ext] of [["srt", "srt"], ["vtt", "vtt"], ["json", "json"], ["textgrid", "TextGrid"]]) {
    await page.selectOption("#align-format", format);
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#align-run")]);
    assert.equal(dl.suggestedFilename(), `hello.${ext}`);
    const got = fs.readFileSync(await dl.path(), "utf8");
    const cli = spawnSync(TRANSCRIBE, ["align", "--quiet", "--format", format, "hello.wav", helloTextFile],
      { cwd: path.dirname(HELLO), encoding: "utf8", env: { ...process.env, GOMAXPROCS: "1" } });
    assert.equal(cli.status, 0, `transcribe align --format ${format}: ${cli.stderr}`);
    if (format === "json") {
      const strip = (t) => t.replace(/"processing_time":[0-9.e+-]+/, '"processing_time":X');
      assert.equal(strip(got), strip(cli.stdout), "aligned JSON vs transcribe align --format json");
    } else {
      assert.equal(got, cli.stdout, `aligned ${format} vs transcribe align --format ${format}`);
    }
    assert.equal(await page.textContent("#align-out"), got, `the ${format} shown on the page`);
    report.align[format] = { bytes: got.length, pageSeconds: await page.evaluate(() => window.ecouteDemo.aligned.seconds) };
  }
  log(`align: srt/vtt/json/textgrid equal transcribe align --format ...; SRT: ${JSON.stringify(fs.readFileSync(path.join(root, "testdata/cli/default_align_hello.srt"), "utf8"))}`);
  // What cannot be aligned gets a clear message, and the page stays usable.
  for (const [text, code, words] of [["§", "empty-text", /no text to align/], ["extraordinary ".repeat(300), "text-too-long", /too long.*needs at least/s]]) {
    await page.fill("#align-text", text);
    await page.click("#align-run"); // clears the last error before it starts
    await page.waitForFunction(() => window.ecouteDemo.lastError && document.body.dataset.state === "error", null, { timeout: 60000 });
    const e = await page.evaluate(() => ({ code: window.ecouteDemo.lastError.code, text: document.getElementById("error").innerText }));
    assert.equal(e.code, code, `align ${code}: ${e.text}`);
    assert.match(e.text, words, `align ${code}: message ${JSON.stringify(e.text)}`);
    log(`align ${code}: "${e.text.replace(/\n/g, " / ")}"`);
  }
  await page.fill("#align-text", "");
  await page.click("#align summary");

  // An invalid hotword: a specific title from the module's error code.
  await page.fill("#opt-hotwords", "fox:abc");
  await expectError(page, () => page.setInputFiles("#file", HELLO), "options", /An option is not valid.*fox:abc/s, "hotword fox:abc");
  await page.fill("#opt-hotwords", "");

  // MP3 (the module's decoder, as the CLI), OGG Vorbis and WebM/Opus from
  // the browser's MediaRecorder (the browser's decoders).
  report.formats = {};
  const mp3 = path.join(tmp, "hello.mp3"), ogg = path.join(tmp, "hello.ogg");
  for (const [f, args] of [[mp3, []], [ogg, []]]) {
    const r = spawnSync("sox", [HELLO, ...args, f], { encoding: "utf8" });
    if (r.status !== 0) log(`sox could not write ${path.basename(f)}: ${r.stderr}`);
  }
  const recorded = await page.evaluate(async () => {
    // Play hello.wav-like audio into a MediaRecorder: the fake microphone's
    // stream is the clip itself.
    const out = {};
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const type of ["audio/webm;codecs=opus", "audio/mp4"]) {
      if (!MediaRecorder.isTypeSupported(type)) continue;
      const rec = new MediaRecorder(stream, { mimeType: type });
      const parts = [];
      rec.ondataavailable = (e) => parts.push(e.data);
      const done = new Promise((r) => (rec.onstop = r));
      rec.start();
      await new Promise((r) => setTimeout(r, 3000));
      rec.stop();
      await done;
      const b = new Uint8Array(await new Blob(parts).arrayBuffer());
      let bin = "";
      for (let i = 0; i < b.length; i += 8192) bin += String.fromCharCode(...b.subarray(i, i + 8192));
      out[type] = btoa(bin);
    }
    stream.getTracks().forEach((t) => t.stop());
    return out;
  });
  const inputs = [];
  if (fs.existsSync(mp3)) inputs.push(["mp3", mp3]);
  if (fs.existsSync(ogg)) inputs.push(["ogg", ogg]);
  for (const [type, b64] of Object.entries(recorded)) {
    const ext = type.startsWith("audio/webm") ? "webm" : "m4a";
    const f = path.join(tmp, `recorded.${ext}`);
    fs.writeFileSync(f, Buffer.from(b64, "base64"));
    inputs.push([ext, f]);
  }
  assert.ok(inputs.some(([k]) => k === "webm"), "MediaRecorder made no WebM to test");
  for (const [kind, f] of inputs) {
    const r = await finish(page, () => page.setInputFiles("#file", f));
    assert.equal(r.state, "done", `${kind}: ${r.errorText}`);
    assert.ok(r.result.text.length > 0, `${kind}: empty transcript`);
    report.formats[kind] = { text: r.result.text, source: r.timings.source };
    if (kind === "mp3") {
      // The module decodes MP3 itself: the page equals the CLI on the file.
      sameResult(r.result, native(f).json, "hello.mp3");
    }
    log(`${kind} (${r.timings.source}): "${r.result.text}"`);
  }

  // 2. Bad input: clear messages, and the page stays usable.
  await expectError(page, () => page.setInputFiles("#file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("these are not the samples you are looking for\n") }),
    "format", /not audio|WAV|FLAC/, "text file");
  const twoHours = path.join(tmp, "two-hours.wav");
  writeWAVu8(twoHours, 8000, 2 * 3600);
  await expectError(page, () => page.setInputFiles("#file", twoHours), "too-long", /too long.*2:00:00/s, "2-hour file");
  await page.screenshot({ path: path.join(OUT, "error.png"), fullPage: true });
  const empty = await page.evaluate(() => window.ecouteDemo.engine.transcribe({ samples: new Float32Array(0), sampleRate: 16000 }).then(() => "resolved", (e) => e.code));
  assert.equal(empty, "empty", "empty recording");
  const again = await finish(page, () => page.setInputFiles("#file", HELLO));
  assert.equal(again.result.text, hello.result.text, "hello.wav after the errors");
  report.hello.pageSecondsWarm = again.timings.transcribe;

  // 3. A 60-second clip: transcribed whole; memory and speed against native.
  const long = path.join(tmp, "sixty.wav");
  const tile = spawnSync(NATIVE, ["-tile", "60", "-o", long, HELLO], { encoding: "utf8" });
  assert.equal(tile.status, 0, tile.stderr);
  // Stale views: whenever the page starts on a new input (state "busy"),
  // the previous result is hidden and its transcript and spectrogram are
  // gone; likewise when recording starts.
  await page.evaluate(() => {
    const blank = (c) => !c.getContext("2d").getImageData(0, 0, c.width, c.height).data.some((v) => v !== 0);
    window.staleChecks = [];
    let last = document.body.dataset.state;
    new MutationObserver(() => {
      const st = document.body.dataset.state;
      if (st === last) return;
      last = st;
      if (st === "busy" || st === "recording") {
        const r = document.getElementById("result");
        window.staleChecks.push({ state: st, status: document.getElementById("status").textContent,
          hidden: r.hidden, transcript: document.getElementById("transcript").textContent,
          heatmapBlank: blank(document.getElementById("heatmap")) });
      }
    }).observe(document.body, { attributes: true, attributeFilter: ["data-state"] });
  });
  const sixty = await finish(page, () => page.setInputFiles("#file", long));
  assert.equal(sixty.state, "done", `60-s clip: ${sixty.errorText}`);
  const ref60 = native(long);
  sameResult(sixty.result, ref60.json, "60-s clip");
  // Progress and partial text: the recognizer reported each stretch as it
  // finished it; the percent rose to 100 and the text so far was on the
  // page, in the partial style, before the result replaced it.
  const segs = await page.evaluate(() => window.ecouteDemo.segments);
  assert.ok(segs.length >= 2, `60-s clip: ${segs.length} segment reports, want 2 or more`);
  segs.forEach((g, i) => assert.ok(g.done > (i ? segs[i - 1].done : 0) && g.state === "busy", `segment report ${i}: ${JSON.stringify(g)}`));
  assert.ok(Math.abs(segs[segs.length - 1].done - sixty.result.duration) < 1e-3, `last done ${segs[segs.length - 1].done}, duration ${sixty.result.duration}`);
  const early = segs.find((g) => g.done < sixty.result.duration && g.shown.trim() !== "");
  assert.ok(early, `no partial text on the page before the end: ${JSON.stringify(segs)}`);
  // The partial text is the final text, up to the punctuation and casing
  // the page adds to the whole.
  const bare = (t) => t.toLowerCase().replace(/[^a-z0-9' ]+/g, " ").split(/\s+/).filter(Boolean).join(" ");
  assert.equal(bare(segs.map((g) => g.text).filter(Boolean).join(" ")), bare(sixty.result.text), "partial segments vs the final text");
  report.sixtyProgress = segs.map((g) => ({ done: g.done, words: g.text ? g.text.split(" ").length : 0 }));
  log(`60-s clip progress: ${segs.map((g) => `${(100 * g.done / g.total).toFixed(0)}%`).join(", ")}; partial text shown at ${early.done.toFixed(1)} s: "${early.shown.trim().slice(0, 60)}…"`);
  // Speed: interleave native and page runs and keep the best of each, so
  // load from other processes on the machine hits both sides alike.
  // Both sides report processing_time, measured by the same Go code around
  // asr.Recognizer.Transcribe; the page's wall time (worker round trip,
  // copies, decoding) is reported beside it.
  const pageTimes = [sixty.result.processing_time], pageWall = [sixty.timings.transcribe];
  const nativeTimes = [ref60.json.processing_time];
  for (let i = 1; i < (Number(process.env.REPEAT) || 2); i++) {
    const again60 = await finish(page, () => page.setInputFiles("#file", long));
    pageTimes.push(again60.result.processing_time);
    pageWall.push(again60.timings.transcribe);
    nativeTimes.push(native(long).json.processing_time);
  }
  const bestPage = Math.min(...pageTimes), bestNative = Math.min(...nativeTimes);
  report.sixty = {
    duration: sixty.result.duration, words: (sixty.result.words || []).length,
    pageTranscribeSeconds: pageTimes, pageWallSeconds: pageWall, nativeSeconds: nativeTimes,
    pageWorkerMemoryMiB: sixty.timings.memory / 2 ** 20,
    pageRTF: bestPage / sixty.result.duration,
    nativeRTF: bestNative / sixty.result.duration,
    wasmOverNative: bestPage / bestNative,
  };
  const rtfText = await page.evaluate(() => {
    const dts = [...document.querySelectorAll("#timings dt")];
    const i = dts.findIndex((d) => d.textContent === "real-time factor");
    return i >= 0 ? dts[i].nextElementSibling.textContent : "";
  });
  const rtfv = parseFloat(rtfText);
  assert.match(rtfText, rtfv < 1 ? /faster than real time/ : /slower than real time|about real time/, `real-time factor wording: ${rtfText}`);
  log(`60-s clip: page ${bestPage.toFixed(2)} s, native ${bestNative.toFixed(2)} s (one thread; ratio ` +
    `${report.sixty.wasmOverNative.toFixed(2)}), module memory ${report.sixty.pageWorkerMemoryMiB.toFixed(0)} MiB`);

  // Cancel: a long job stops, the page is ready again, and works.
  const waitTranscribing = () => page.waitForFunction(() => document.body.dataset.state === "busy" &&
    /Transcribing/.test(document.getElementById("status").textContent), null, { timeout: 60000 });
  const cancels0 = await page.evaluate(() => window.ecouteDemo.cancels);
  await page.setInputFiles("#file", long);
  await waitTranscribing();
  assert.ok(await page.isVisible("#cancel"), "Cancel button shown during a job");
  const progress = await page.evaluate(() => document.getElementById("progress").hidden);
  assert.equal(progress, false, "progress bar shown during a job");
  await page.click("#cancel");
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: 60000 });
  assert.match(await page.textContent("#status"), /Cancelled/);
  assert.equal(await page.evaluate(() => window.ecouteDemo.cancels), cancels0 + 1);
  // The work stopped in the worker, at the next segment, without ending it.
  assert.equal(await page.evaluate(() => window.ecouteDemo.lastCancel), "segment", "how Cancel stopped the job");
  const afterCancel = await finish(page, () => page.setInputFiles("#file", HELLO));
  assert.equal(afterCancel.result.text, hello.result.text, "hello.wav after a cancel");
  // A file dropped during a job replaces it: the old job is stopped, and
  // the new file's decode time is the worker's, not the wait.
  await page.setInputFiles("#file", long);
  await waitTranscribing();
  const replaced = await finish(page, () => page.setInputFiles("#file", HELLO));
  assert.equal(replaced.result.text, hello.result.text, "the file dropped during a job");
  assert.ok(replaced.timings.stopped > 0, `timings of the replacing file: ${JSON.stringify(replaced.timings)}`);
  report.replaced = { stoppedSeconds: replaced.timings.stopped, decodeSeconds: replaced.timings.decode };
  log(`cancel: ok; a file dropped during a job stopped it (restart ${replaced.timings.stopped.toFixed(2)} s), decode ${replaced.timings.decode.toFixed(3)} s`);

  // 4. Fake microphone (hello.wav, looping): the live transcript. Text
  // appears while recording, first in the partial style, and pauses turn
  // it into final text; Stop finalizes the open segment.
  await page.click("#record");
  await page.waitForFunction(() => document.body.dataset.state === "recording");
  const recStart = Date.now();
  await page.waitForFunction(() => (document.querySelector("#live .partial") || {}).textContent, null, { timeout: 30000 });
  const partialSeen = { wallSeconds: (Date.now() - recStart) / 1000, text: await page.textContent("#live .partial") };
  await page.waitForFunction(() => document.querySelector("#live .final"), null, { timeout: 30000 });
  const finalSeen = { wallSeconds: (Date.now() - recStart) / 1000, text: await page.textContent("#live") };
  assert.equal(await page.evaluate(() => document.body.dataset.state), "recording", "text appeared before Stop");
  await page.screenshot({ path: path.join(OUT, "live.png"), fullPage: true });
  // Record past a second segment's start, so that Stop has one to finalize.
  await page.waitForTimeout(Math.max(0, 5000 - (Date.now() - recStart)));
  const level = await page.evaluate(() => parseFloat(document.getElementById("level").getAttribute("aria-valuenow")));
  const mic = await finish(page, () => page.click("#record"));
  assert.equal(mic.state, "done", `microphone: ${mic.errorText}`);
  assert.equal(mic.timings.label, "recording");
  // About 5 s; on a loaded machine the Stop click may land seconds late.
  assert.ok(mic.timings.duration > 4 && mic.timings.duration < 30, `recorded ${mic.timings.duration} s`);
  assert.ok(mic.result.text.length > 0, `no transcript from the microphone: ${JSON.stringify(mic.result)}`);
  const live = await page.evaluate(() => ({ ...window.ecouteDemo.live, recorded: window.ecouteDemo.live.recorded.length }));
  // The page's final text is the stream's finals, the last one from Stop.
  const finals = live.finals.filter((f) => f.text);
  assert.equal(mic.result.text, finals.map((f) => f.text).join(" "), "final text vs the stream's final segments");
  const closeUpdate = live.updates[live.updates.length - 1];
  assert.ok(!closeUpdate.recording && closeUpdate.events.some((e) => e.final && e.text), `Stop finalized no segment: ${JSON.stringify(closeUpdate)}`);
  assert.ok(Math.abs(mic.result.duration - live.recorded / 16000) < 0.005, `result duration ${mic.result.duration}, recorded ${live.recorded / 16000} s (the JSON has 2 decimals)`);
  // The same audio: each final segment is the module's offline
  // transcription (transcribe() with the page's options) of the recorded
  // samples it covers, [start, end) at 16 kHz. The stream cuts at 0.3 s
  // pauses, the offline recognizer only past 30 s, so the whole recording
  // transcribed offline is reported beside it, not compared.
  const offline = await page.evaluate(async (finals) => {
    const d = window.ecouteDemo, x = d.live.recorded;
    const o = { beam: +document.getElementById("opt-beam").value, lm: document.getElementById("opt-lm").checked,
      timestamps: document.getElementById("opt-timestamps").checked, punctuate: document.getElementById("opt-punctuate").checked };
    const segs = [];
    for (const f of finals) {
      const a = Math.round(f.start * 16000), b = Math.min(x.length, Math.round(f.end * 16000));
      segs.push((await d.engine.transcribe({ samples: x.slice(a, b), sampleRate: 16000 }, o)).text);
    }
    const whole = (await d.engine.transcribe({ samples: x.slice(), sampleRate: 16000 }, o)).text;
    return { segs, whole };
  }, finals);
  finals.forEach((f, i) => assert.equal(f.text, offline.segs[i], `final ${i} (${f.start.toFixed(2)}-${f.end.toFixed(2)} s) vs the offline transcription of its samples`));
  // Streaming headroom: the worker's time per second of audio while
  // recording, and the time from sending a chunk to its update.
  const during = live.updates.filter((u) => u.recording);
  const work = during.reduce((a, u) => a + u.work, 0), heard = during.reduce((a, u) => a + u.chunk, 0);
  const lags = during.map((u) => u.lag).sort((a, b) => a - b);
  const q = (p) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))];
  report.microphone = {
    text: mic.result.text, duration: mic.timings.duration, lastLevel: level, segments: finals.length,
    firstPartial: partialSeen, firstFinal: finalSeen, offlineWhole: offline.whole, offlineWholeEqual: offline.whole === mic.result.text,
    workPerAudioSecond: work / heard, headroom: heard / work, updates: during.length,
    lagMedianSeconds: q(0.5), lagP95Seconds: q(0.95), lagMaxSeconds: lags[lags.length - 1], closeSeconds: live.closeSeconds,
    stopToResultSeconds: live.stopSeconds, maxChunksPerWrite: Math.max(...during.map((u) => u.chunks)),
  };
  log(`microphone (${mic.timings.duration.toFixed(1)} s, ${finals.length} segments): "${mic.result.text}"; first partial ${partialSeen.wallSeconds.toFixed(1)} s ` +
    `after Record ("${partialSeen.text}"), first final ${finalSeen.wallSeconds.toFixed(1)} s; each final equals the offline transcription of its samples ` +
    `(whole recording offline: "${offline.whole}")`);
  log(`live stream: ${(1000 * work / heard).toFixed(0)} ms of work per audio second (headroom ${(heard / work).toFixed(1)}x), ` +
    `chunk-to-update lag median ${(1000 * q(0.5)).toFixed(0)} ms, p95 ${(1000 * q(0.95)).toFixed(0)} ms, ` +
    `up to ${report.microphone.maxChunksPerWrite} chunks per write; Stop to the last final ${(1000 * live.stopSeconds).toFixed(0)} ms (close ${(1000 * live.closeSeconds).toFixed(0)} ms)`);
  await page.screenshot({ path: path.join(OUT, "microphone.png"), fullPage: true });
  const stale = await page.evaluate(() => window.staleChecks);
  assert.ok(stale.some((c) => c.state === "recording"), "no recording start was observed");
  for (const c of stale) {
    assert.ok(c.hidden && c.transcript === "" && c.heatmapBlank, `stale view when the page went ${c.state} (${c.status}): ${JSON.stringify(c)}`);
  }

  // 5. Offline: once loaded, a reload without network still works.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const cached = async () => {
      for (const k of await caches.keys()) {
        for (const r of await (await caches.open(k)).keys()) if (new URL(r.url).pathname.endsWith("/ecoute.wasm")) return true;
      }
      return false;
    };
    for (let i = 0; i < 100 && !(await cached()); i++) await new Promise((r) => setTimeout(r, 100));
  });
  // Repeat visit: everything comes from the service worker's cache, and
  // only revalidations (304s) cross the network.
  report.firstVisitBytes = px.stats.down;
  await new Promise((r) => setTimeout(r, 1000));
  px.stats.down = 0;
  px.stats.up = 0;
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: 120000 });
  await new Promise((r) => setTimeout(r, 1500)); // background revalidations
  report.repeatVisitBytes = px.stats.down;
  log(`transfer: first visit ${report.firstVisitBytes} bytes (${report.firstVisitBytesAtReady} when Ready), repeat visit ${report.repeatVisitBytes} bytes`);
  assert.ok(report.repeatVisitBytes < 50000, `a repeat visit transferred ${report.repeatVisitBytes} bytes, over 50 KB`);
  const again2 = await finish(page, () => page.setInputFiles("#file", HELLO));
  assert.equal(again2.result.text, hello.result.text, "hello.wav after the repeat visit");

  await ctx.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => ["ready", "failed"].includes(document.body.dataset.state), null, { timeout: 60000 });
  const off = await finish(page, () => page.setInputFiles("#file", HELLO));
  assert.equal(off.result && off.result.text, hello.result.text, `offline: ${off.errorText}`);
  await ctx.setOffline(false);
  log("offline reload: ok");
  await ctx.close();
  ctx = null;

  // 6. A denied microphone.
  ctx = await launch("denied", ["--use-fake-device-for-media-stream", "--deny-permission-prompts"]);
  const denied = await newPage(ctx, url);
  await denied.click("#record");
  await denied.waitForFunction(() => document.body.dataset.state === "error", null, { timeout: 20000 });
  const msg = await denied.innerText("#error");
  assert.match(msg, /[Mm]icrophone/, `denied microphone message: ${msg}`);
  log(`denied microphone: "${msg.replace(/\n/g, " / ")}"`);
  const afterDenied = await finish(denied, () => denied.setInputFiles("#file", HELLO));
  assert.equal(afterDenied.result.text, hello.result.text, "a file after the denied microphone");

  // Opened from disk: the page says why it cannot work and what to do.
  await denied.goto("file://" + path.join(root, "web/index.html"));
  await denied.waitForFunction(() => document.body.dataset.state === "failed", null, { timeout: 20000 });
  const fileMsg = await denied.innerText("#error");
  assert.match(fileMsg, /web server.*transcribe web/s, `file:// message: ${fileMsg}`);
  log(`file://: "${fileMsg.replace(/\n/g, " / ")}"`);
  await ctx.close();
  ctx = null;

  // Why the first transcription is slower: in fresh browsers (compiled
  // wasm code is shared within a browser process), time the recognizer's
  // own processing_time for hello.wav: without the warm-up, the word
  // LM off twice then on twice; with the warm-up, LM on twice.
  const helloB64 = fs.readFileSync(HELLO).toString("base64");
  const measure = async (name, warm, runs) => {
    ctx = await launch(name, []);
    const p = ctx.pages()[0] || (await ctx.newPage());
    await p.goto(url + "build.json"); // same origin, without the page's own recognizer
    const r = await p.evaluate(async ({ b64, warm, runs }) => {
      const { Ecoute } = await import("./ecoute.js");
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const e = await Ecoute.load({ warm });
      const out = [];
      for (const o of runs) out.push((await e.transcribe(bytes.slice(), o)).processing_time);
      const info = e.info;
      e.terminate();
      return { times: out, warmSeconds: info.warmSeconds, modelSeconds: info.modelSeconds };
    }, { b64: helloB64, warm, runs });
    await ctx.close();
    ctx = null;
    return r;
  };
  const coldRuns = await measure("cold", false, [{ lm: false }, { lm: false }, {}, {}]);
  const warmRuns = await measure("warm", true, [{}, {}]);
  report.firstTranscription = {
    noWarmup: { lmOffFirst: coldRuns.times[0], lmOffSecond: coldRuns.times[1], lmOnFirst: coldRuns.times[2], lmOnSecond: coldRuns.times[3] },
    withWarmup: { warmupSeconds: warmRuns.warmSeconds, first: warmRuns.times[0], second: warmRuns.times[1] },
  };
  log("first transcription (processing_time, s):", JSON.stringify(report.firstTranscription));
} finally {
  if (ctx) await ctx.close().catch(() => {});
  proc.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
}

fs.writeFileSync(path.join(OUT, "report.json"), JSON.stringify(report, null, 2));
log("report:", JSON.stringify(report, null, 2));
log("PASS (screenshots in", path.relative(root, OUT) + ")");
// The byte-counting proxy's kept-alive sockets would hold the event loop open.
process.exit(0);

// writeWAVu8 writes seconds of 8-bit silence-with-noise at rate: a real,
// complete long file.
function writeWAVu8(file, rate, seconds) {
  const n = rate * seconds;
  const h = Buffer.alloc(44);
  h.write("RIFF", 0); h.writeUInt32LE(36 + n, 4); h.write("WAVE", 8);
  h.write("fmt ", 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24); h.writeUInt32LE(rate, 28); h.writeUInt16LE(1, 32); h.writeUInt16LE(8, 34);
  h.write("data", 36); h.writeUInt32LE(n, 40);
  const fd = fs.openSync(file, "w");
  fs.writeSync(fd, h);
  const chunk = Buffer.alloc(1 << 20, 128);
  for (let i = 0; i < chunk.length; i += 97) chunk[i] = 129;
  for (let left = n; left > 0; left -= chunk.length) fs.writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  fs.closeSync(fd);
}
