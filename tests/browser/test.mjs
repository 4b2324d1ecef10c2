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
//   - a fake microphone (--use-fake-device-for-media-stream) gives a
//     transcript, and a denied microphone a clear message;
//   - the page works offline once loaded (service worker).
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";

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
// WebAssembly), or the native helper's when the CLI cannot say.
function native(file) {
  const env = { ...process.env, GOMAXPROCS: "1" };
  const cli = spawnSync(TRANSCRIBE, ["--format", "json", "--nbest", String(NBEST), file], { env, encoding: "utf8" });
  if (cli.status === 0) {
    let j = JSON.parse(cli.stdout);
    if (Array.isArray(j)) j = j[0];
    if (j.results) j = j.results[0];
    return { source: "transcribe --format json", json: j };
  }
  log(`CLI reference unavailable (${(cli.stderr || "").trim().split("\n")[0]}); using tests/browser/native`);
  const n = spawnSync(NATIVE, ["-options", JSON.stringify({ nbest: NBEST }), file], { env, encoding: "utf8" });
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

const { url, proc } = await serve();
log("serving", url);
let ctx;
try {
  ctx = await launch("main", [
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    `--use-file-for-fake-audio-capture=${HELLO}`,
  ]);
  const t0 = Date.now();
  const page = await newPage(ctx, url);
  report.pageReadySeconds = (Date.now() - t0) / 1000;
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
  const sixty = await finish(page, () => page.setInputFiles("#file", long));
  assert.equal(sixty.state, "done", `60-s clip: ${sixty.errorText}`);
  const ref60 = native(long);
  sameResult(sixty.result, ref60.json, "60-s clip");
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
  log(`60-s clip: page ${bestPage.toFixed(2)} s, native ${bestNative.toFixed(2)} s (one thread; ratio ` +
    `${report.sixty.wasmOverNative.toFixed(2)}), module memory ${report.sixty.pageWorkerMemoryMiB.toFixed(0)} MiB`);

  // 4. Fake microphone: record ~3 s of the looping clip.
  await page.click("#record");
  await page.waitForFunction(() => document.body.dataset.state === "recording");
  await page.waitForTimeout(3200);
  const level = await page.evaluate(() => parseFloat(document.getElementById("level").getAttribute("aria-valuenow")));
  const mic = await finish(page, () => page.click("#record"));
  assert.equal(mic.state, "done", `microphone: ${mic.errorText}`);
  assert.equal(mic.timings.label, "recording");
  assert.ok(mic.timings.duration > 2.5 && mic.timings.duration < 5, `recorded ${mic.timings.duration} s`);
  assert.ok(mic.result.text.length > 0, `no transcript from the microphone: ${JSON.stringify(mic.result)}`);
  report.microphone = { text: mic.result.text, duration: mic.timings.duration, lastLevel: level };
  log(`microphone (${mic.timings.duration.toFixed(1)} s): "${mic.result.text}"`);
  await page.screenshot({ path: path.join(OUT, "microphone.png"), fullPage: true });

  // 5. Offline: once loaded, a reload without network still works.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (let i = 0; i < 100 && !(await caches.match("ecoute.wasm")); i++) await new Promise((r) => setTimeout(r, 100));
  });
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
} finally {
  if (ctx) await ctx.close().catch(() => {});
  proc.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
}

fs.writeFileSync(path.join(OUT, "report.json"), JSON.stringify(report, null, 2));
log("report:", JSON.stringify(report, null, 2));
log("PASS (screenshots in", path.relative(root, OUT) + ")");

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
