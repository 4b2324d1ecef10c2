// Unit test of the microphone resampler in web/recorder-worklet.js (node --test).
import test from "node:test";
import assert from "node:assert/strict";
import { Resampler } from "../../web/recorder-worklet.js";

function tone(n, rate, f) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * f * i) / rate);
  return x;
}

// resample feeds x in uneven chunks, as an AudioWorklet does (128 frames,
// here varied to catch chunk-boundary bugs), then flushes.
function resample(x, from, to) {
  const r = new Resampler(from, to);
  const parts = [];
  for (let i = 0, c = 0; i < x.length; c++) {
    const n = [128, 7, 300, 1][c % 4];
    parts.push(r.push(x.subarray(i, i + n)));
    i += n;
  }
  parts.push(r.flush());
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// Amplitude of frequency f in y (rate) by correlation over the middle half.
function amplitude(y, rate, f) {
  let re = 0, im = 0, n = 0;
  for (let i = y.length >> 2; i < (3 * y.length) >> 2; i++, n++) {
    re += y[i] * Math.cos((2 * Math.PI * f * i) / rate);
    im += y[i] * Math.sin((2 * Math.PI * f * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / n;
}

for (const from of [48000, 44100, 22050, 8000]) {
  test(`Resampler ${from} -> 16000 keeps a 440 Hz tone, length and timing`, () => {
    const x = tone(from, from, 440); // one second
    const y = resample(x, from, 16000);
    assert.ok(Math.abs(y.length - 16000) <= 2 + Math.ceil(16000 / from), `length ${y.length}, want about 16000`);
    const a = amplitude(y, 16000, 440);
    assert.ok(Math.abs(a - 1) < 0.01, `440 Hz amplitude ${a}, want 1`);
    // Sample-accurate timing: compare with the ideal tone at 16 kHz.
    let worst = 0;
    for (let i = 4000; i < 12000; i++) worst = Math.max(worst, Math.abs(y[i] - Math.sin((2 * Math.PI * 440 * i) / 16000)));
    assert.ok(worst < 0.01, `max error against the ideal 16 kHz tone ${worst}`);
  });
}

test("Resampler 48000 -> 16000 removes a 12 kHz tone (would alias to 4 kHz)", () => {
  const y = resample(tone(48000, 48000, 12000), 48000, 16000);
  const a = amplitude(y, 16000, 4000);
  assert.ok(a < 0.003, `aliased 4 kHz amplitude ${a}`);
});

test("Resampler 16000 -> 16000 passes samples through", () => {
  const x = tone(1000, 16000, 300);
  assert.deepEqual(resample(x, 16000, 16000), x);
});
