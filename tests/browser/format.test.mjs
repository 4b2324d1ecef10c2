// Unit tests of web/format.js (node --test): the page's timing and size
// words. The downloads come from the module (asr/transcript, tested in Go);
// test.mjs checks them against the CLI on the same clip through the page.
import test from "node:test";
import assert from "node:assert/strict";
import { speedText, bytesText } from "../../web/format.js";

test("speedText says slower when the real-time factor is above 1", () => {
  // The defect: 1.455 read "0.7× faster than real time".
  assert.equal(speedText(1.455, 1), "1.455 (1.5× slower than real time)");
  assert.equal(speedText(0.3, 3), "0.100 (10× faster than real time)");
  assert.equal(speedText(0.29, 2.9), "0.100 (10× faster than real time)");
  assert.equal(speedText(1.5, 6), "0.250 (4.0× faster than real time)");
  assert.equal(speedText(1, 1), "1.000 (about real time)");
  assert.equal(speedText(0, 1), "–");
});

test("bytesText writes sizes for people", () => {
  assert.equal(bytesText(9395008), "9.4 MB");
  assert.equal(bytesText(812000), "812 kB");
  assert.equal(bytesText(12), "12 bytes");
});
