// test.mjs: ecoute's OpenAI-compatible endpoint (POST /v1/audio/transcriptions
// of `transcribe serve`) driven by OpenAI's own Node SDK, an independent
// client: its baseURL points at the local server. run.sh starts the server
// and writes what the CLI prints for the same clip, which the answers must
// equal:
//
//   ECOUTE_URL   the server's base URL (http://127.0.0.1:PORT)
//   HELLO        the clip (testdata/hello.wav)
//   EXPECT       a folder with the CLI's outputs: hello.txt, hello.srt,
//                hello.vtt, hello.json (--format json), fox.txt (--hotword
//                the,quick,brown,fox)
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import OpenAI from "openai";

const { ECOUTE_URL, HELLO, EXPECT } = process.env;
if (!ECOUTE_URL || !HELLO || !EXPECT) throw new Error("run tests/openai/run.sh (it sets ECOUTE_URL, HELLO and EXPECT)");
const expect = (name) => fs.readFileSync(path.join(EXPECT, name), "utf8");
const cli = JSON.parse(expect("hello.json"));

// No key is checked; the SDK insists on one. No retries: an error must show.
const client = new OpenAI({ baseURL: `${ECOUTE_URL}/v1`, apiKey: "unused", maxRetries: 0 });
const create = (params) => client.audio.transcriptions.create({ file: fs.createReadStream(HELLO), model: "whisper-1", ...params });

test("json (the default) is {text}", async () => {
  const r = await create({});
  assert.deepEqual(r, { text: cli.text });
  const j = await create({ response_format: "json" });
  assert.deepEqual(j, { text: cli.text });
});

test("text, srt and vtt are the CLI's txt, srt and vtt", async () => {
  assert.equal(await create({ response_format: "text" }), expect("hello.txt"));
  assert.equal(await create({ response_format: "srt" }), expect("hello.srt"));
  assert.equal(await create({ response_format: "vtt" }), expect("hello.vtt"));
});

test("verbose_json has segments by default, words when asked", async () => {
  const seg = await create({ response_format: "verbose_json" });
  assert.equal(seg.task, "transcribe");
  assert.equal(seg.language, "english");
  assert.equal(seg.text, cli.text);
  assert.equal(seg.duration, cli.duration);
  assert.equal(seg.words, undefined);
  assert.ok(seg.segments.length > 0);
  assert.equal(seg.segments.map((s) => s.text).join(" "), cli.text);
  // The segments are the SRT's cues: same count, same times.
  const srtTimes = [...expect("hello.srt").matchAll(/(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)/g)]
    .map((m) => [+m[1] * 3600 + +m[2] * 60 + +m[3] + +m[4] / 1000, +m[5] * 3600 + +m[6] * 60 + +m[7] + +m[8] / 1000]);
  assert.deepEqual(seg.segments.map((s) => [s.start, s.end]), srtTimes);
  seg.segments.forEach((s, i) => {
    assert.equal(s.id, i);
    for (const k of ["seek", "temperature", "avg_logprob", "compression_ratio", "no_speech_prob"]) assert.equal(typeof s[k], "number", k);
    assert.ok(Array.isArray(s.tokens));
  });

  const words = await create({ response_format: "verbose_json", timestamp_granularities: ["word"] });
  assert.equal(words.segments, undefined);
  assert.deepEqual(words.words, cli.words.map(({ word, start, end }) => ({ word, start, end })));

  const both = await create({ response_format: "verbose_json", timestamp_granularities: ["word", "segment"] });
  assert.equal(both.words.length, cli.words.length);
  assert.deepEqual(both.segments, seg.segments);
});

test("prompt is hotwords, English is accepted", async () => {
  const r = await create({ response_format: "text", prompt: "The quick, brown Fox.", language: "en" });
  assert.equal(r, expect("fox.txt"));
});

test("another language is a 400 in OpenAI's error shape", async () => {
  await assert.rejects(create({ language: "fr" }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError, String(e));
    assert.equal(e.status, 400);
    assert.equal(e.param, "language");
    assert.equal(e.code, "unsupported_language");
    assert.equal(e.type, "invalid_request_error");
    assert.match(e.message, /English only/);
    return true;
  });
  await assert.rejects(create({ response_format: "docx" }), (e) => e.status === 400 && e.param === "response_format");
});
