// Package wasm is ecoute in the browser: the recognizer compiled with the
// stock Go toolchain (GOOS=js GOARCH=wasm) and exposed to JavaScript. No server
// sees the audio.
//
// The package has two layers. [Engine] is plain Go and builds everywhere: it
// holds a model, decodes audio, transcribes it and computes features for
// display, checks sizes before it commits memory, and turns every failure
// (a panic included) into an error. The JavaScript bindings ([Register], built
// only for js/wasm) put that engine on globalThis.ecoute; every call returns
// a Promise, and errors reject it with a message instead of stopping the Go
// runtime. Its main packages are wasm/browser, the module the browser loads,
// and wasm/worker, the edge worker. web/ holds the page, the Web Worker that
// runs the module off the main thread, and web/ecoute.d.ts, the typed API
// pages use:
//
//	import { Ecoute } from "./ecoute.js";
//	const asr = await Ecoute.load();                  // embedded default model
//	const res = await asr.transcribe(fileArrayBuffer, { beam: 8, timestamps: true });
//	console.log(res.text, res.words);                 // the JSON `transcribe --format json` prints
//	const mic = await asr.transcribe({ samples, sampleRate: 16000 });
//	const fb  = await asr.features(fileArrayBuffer, { kind: "fbank" }); // heatmap
//
// The raw module API, on globalThis.ecoute inside the worker (all Promises):
//
//	loadDefault()                         -> ModelInfo
//	loadModel(bytes: Uint8Array)          -> ModelInfo
//	probe(head: Uint8Array, size: number) -> AudioInfo  (header only; enforces limits)
//	transcribe(audio, sampleRate, optionsJSON, name) -> JSON string (as `transcribe --format json`)
//	features(audio, sampleRate, optionsJSON)   -> {frames, dims, frameShift, data: Float32Array}
//	decode(audio, sampleRate)             -> {samples: Float32Array, sampleRate, duration, channels}
//	format(resultJSON, format, optionsJSON) -> string: the result in format "txt",
//	                                      "json", "srt", "vtt", "tsv" or "trn", written by
//	                                      package asr/transcript as `transcribe --format` does
//	align(audio, sampleRate, text, optionsJSON) -> string: a forced alignment of
//	                                      text to the audio, the file `transcribe align
//	                                      --format F` writes (transcript.FormatAlignment);
//	                                      options {format: "srt"|"vtt"|"json"|"textgrid",
//	                                      name, maxChars, maxLines, maxSeconds, minPause}
//	                                      (AlignOptions); rejects with code "empty-text",
//	                                      "no-speech" or "text-too-long" when the text
//	                                      cannot be aligned
//	streamOpen(sampleRate, optionsJSON)   -> id: a live stream (asr.Stream) of mono samples
//	streamWrite(id, samples: Float32Array) -> JSON string {events: [{final, start, end,
//	                                      text, words?}], duration, seconds}: partial
//	                                      results (final false) and closed segments
//	streamClose(id, name)                 -> the same, with the open segment finalized,
//	                                      and result: the finals as one `--format json` record
//
// where audio is a Uint8Array holding a WAV, FLAC or MP3 file (sampleRate
// 0) or a Float32Array of mono samples in [-1, 1] at sampleRate. The page's
// module (scripts/build-wasm.sh) is built with -tags noflac and leaves FLAC
// to the browser's decoder.
//
// The options object's keys are the JSON names of asr.OptionTable's rows:
// beam, lm, lexicon, alpha, beta, blankPenalty, hotwords, nbest, timestamps
// and minConfidence. asr.Options.Set parses and range-checks them, as it
// does the CLI's flags and the HTTP server's query, so the three accept and
// refuse the same requests; an unknown key or a bad value rejects with code
// "options". globalThis.ecoute.defaults holds asr.DefaultOptions under
// those keys.
//
// Go's WebAssembly port is single-threaded; the worker keeps that thread
// away from the page. The limits ([Limits]) keep a long file from exhausting
// the tab: a file over the limit is refused with a message saying so before
// its samples are copied into Go memory.
package wasm
