// Unit tests of web/format.js (node --test): the page's timing words and
// the subtitle writers' edge cases. Whole-file equality with the CLI's
// writers is checked in test.mjs, on the same clip through the page.
import test from "node:test";
import assert from "node:assert/strict";
import { speedText, timestamp, makeCues, srt, vtt, txt, bytesText } from "../../web/format.js";

test("speedText says slower when the real-time factor is above 1", () => {
  // The defect: 1.455 read "0.7× faster than real time".
  assert.equal(speedText(1.455, 1), "1.455 (1.5× slower than real time)");
  assert.equal(speedText(0.3, 3), "0.100 (10× faster than real time)");
  assert.equal(speedText(0.29, 2.9), "0.100 (10× faster than real time)");
  assert.equal(speedText(1.5, 6), "0.250 (4.0× faster than real time)");
  assert.equal(speedText(1, 1), "1.000 (about real time)");
  assert.equal(speedText(0, 1), "–");
});

test("timestamp rounds to milliseconds like the CLI", () => {
  assert.equal(timestamp(0, ","), "00:00:00,000");
  assert.equal(timestamp(3661.2345, ","), "01:01:01,235");
  assert.equal(timestamp(59.9996, "."), "00:01:00.000");
  assert.equal(timestamp(-1, "."), "00:00:00.000");
});

test("cues break at pauses, duration and width, and balance two lines", () => {
  const w = (word, start, end) => ({ word, start, end, confidence: 1 });
  // A pause of 0.5 s ends a cue.
  assert.deepEqual(makeCues([w("a", 0, 0.2), w("b", 0.75, 0.9)]).map((c) => c.lines), [["a"], ["b"]]);
  assert.deepEqual(makeCues([w("a", 0, 0.2), w("b", 0.69, 0.9)]).map((c) => c.lines), [["a b"]]);
  // More than 7 s on screen ends a cue.
  assert.equal(makeCues([w("a", 0, 3), w("b", 3.1, 6.9), w("c", 7, 7.2)]).length, 2);
  // 12 words of 7 letters: 2 lines of at most 42, balanced.
  const many = Array.from({ length: 12 }, (_, i) => w("abcdefg", i * 0.3, i * 0.3 + 0.25));
  const cues = makeCues(many);
  assert.deepEqual(cues[0].lines, ["abcdefg abcdefg abcdefg abcdefg abcdefg", "abcdefg abcdefg abcdefg abcdefg abcdefg"]);
  assert.equal(cues.length, 2);
  // An empty word is skipped; zero-length cue gets 1 ms.
  assert.equal(srt({ words: [w("", 0, 1), w("x", 1, 1)] }), "1\n00:00:01,000 --> 00:00:01,001\nx\n\n");
  assert.equal(vtt({ words: [] }), "WEBVTT\n\n");
  assert.equal(txt({ text: "hello world", words: [] }), "hello world\n");
  assert.equal(bytesText(9395008), "9.4 MB");
});
