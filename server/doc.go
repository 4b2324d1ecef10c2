// Package server is ecoute's speech-to-text HTTP API as a plain
// net/http.Handler. The same handler runs natively ("transcribe serve") and
// inside the Cloudflare Workers runtime (wasm/worker, through
// github.com/syumai/workers), so everything it does is testable with
// net/http/httptest and no JavaScript runtime.
//
// Routes:
//
//	POST /v1/transcribe   audio in, JSON out (the layout of "transcribe --format json")
//	POST /v1/audio/transcriptions   OpenAI's transcription API (openai.go)
//	POST /v1/align        audio and its text in, subtitles out (align.go)
//	GET  /v1/stream       WebSocket: live audio in, partial and final results out (stream.go)
//	GET  /healthz         {"status":"ok"}
//	GET  /                a short usage text
//	OPTIONS *             CORS preflight
//
// The audio is the request body with Content-Type audio/wav (audio/x-wav,
// audio/wave, audio/vnd.wave), audio/flac (audio/x-flac), audio/mpeg or
// application/octet-stream, or a multipart/form-data upload whose file field
// is named "file" or "audio". Decoding options come from the query string or
// from multipart fields before the file, named as the rows of
// asr.OptionTable (the CLI's flag names) and parsed by asr.Options.Set, so
// the server, the CLI and the browser engine accept and refuse the same
// requests; GET / lists them with their ranges and defaults. An unknown
// name, a bad value, or a form field after the file is a 400.
//
// Checks come before work, in this order: method (405), options (400),
// content type (415), declared body size (413), room in the queue (503 with
// Retry-After: Config.MaxConcurrent transcriptions run and Config.MaxQueue
// wait), actual body size (413), then asr.Limits: audio header (400 with the
// decoder's reason), declared audio duration (413, the message names the
// limit), decoding (400 on bad data) and the real duration (413). A body
// refused with 413 or 503 is still read to its end (up to 64 MiB), so that a
// client that sends it whole reads the answer rather than a reset. Every
// error is JSON: {"error": "..."}. The handler never panics on input; a
// panic from a bug is recovered and answered with 500 so that one bad
// request cannot take down a worker isolate that serves others.
// Config.AccessLog gets one line per request.
//
// /v1/stream speaks vosk-server's WebSocket protocol, so Vosk clients work
// unchanged: the client may send {"config": {"sample_rate": R}} (8-192 kHz;
// 16000 when not sent), then binary messages of 16-bit little-endian mono
// samples, then {"eof": 1} ({"reset": 1} ends a segment and goes on). Each
// message gets one answer: {"partial": "..."} while a segment is open, or
// {"text": "...", "result": [{"word", "start", "end", "conf"}]} when one or
// more segments closed (asr.Stream: at pauses), times from the stream start;
// eof gets the last final result, then a normal close (1000). The query
// string takes the decoding options as for /v1/transcribe. Close codes say
// what went wrong: 1007 a text message that is not such JSON, 1008 a wrong
// rate, a config after audio, or no message for StreamConfig.Idle, 1009 a
// stream past StreamConfig.MaxDuration (after its final result) or a
// message over 1 MiB, 1013 StreamConfig.MaxStreams streams already open.
// The edge worker answers /v1/stream with 501.
//
// /v1/audio/transcriptions answers OpenAI's createTranscription request,
// so OpenAI's SDKs (with their base URL set to this server's /v1), whisper.cpp
// clients and subtitle tools work unchanged. The form's fields may come in
// any order: "file" holds the audio (WAV, FLAC or MP3; the part's
// Content-Type is not checked, the decoder sniffs); "model" is accepted
// whatever it names and ignored (the server answers with its own model);
// "response_format" is json ({"text"}, the default), text, srt, vtt (the
// writers of "transcribe --format txt/srt/vtt", package asr/transcript) or
// verbose_json ({task, language, duration, text, segments, words});
// "timestamp_granularities[]" is word and/or segment (verbose_json holds
// "segments" unless only word is asked for, and "words" when it is);
// "language" must be English ("en", "en-US", "english" or absent: anything
// else is a 400 with code unsupported_language); "prompt" becomes hotwords,
// each distinct word at the default boost (more than asr.MaxHotwords words
// is a 400); "temperature" (0 to 1), "stream" (false), "include[]" and
// "chunking_strategy" are accepted and ignored; asr.OptionTable's names
// are accepted as on /v1/transcribe. The transcript is punctuated and
// cased (the punctuate option) in every format, as OpenAI's are, unless the
// form sends punctuate=false. The segments of verbose_json are the
// subtitle cues of srt and vtt (transcript.Cues over the words, at most two
// lines of 42 characters and 7 s, cut at pauses of 0.5 s), with Whisper's
// fields: seek (the start in 10 ms frames), tokens (empty), temperature 0,
// avg_logprob (the mean log confidence of the cue's words),
// compression_ratio (bytes over zlib-compressed bytes, as Whisper computes
// it) and no_speech_prob 0. Errors have OpenAI's shape,
// {"error": {"message", "type", "param", "code"}}, with the statuses and
// checks of /v1/transcribe; type is invalid_request_error for 4xx and
// server_error for 5xx.
//
// Sources: OpenAI's API reference for createTranscription and its error
// object, Whisper's transcribe.py for the segment fields; the HTTP semantics of RFC 9110 (413, 415, 405 with Allow), the
// CORS protocol of the WHATWG Fetch standard, RFC 7578 for multipart/form-data,
// RFC 6455 for WebSocket and its close codes, vosk-server's
// websocket/asr_server.py for the streaming protocol.
package server
