// Package transcript writes recognition results ([asr.Result]) as people and
// tools read them: plain text, JSON, SubRip (SRT) and WebVTT subtitles, and
// the tab-separated and NIST trn tables of scoring tools. It is the one
// owner of these formats: `transcribe --format`, the HTTP server's
// OpenAI-compatible endpoint and the browser page's downloads all call
// [Format], so their files are byte for byte the same.
//
// Subtitles are built from word times by [Cues]: a cue ends at a pause, and
// before a word that would keep it on screen too long or make it wider or
// taller than its limits ([CueOptions]); a two-line cue is split where its
// longer line is shortest. Forced alignment and other callers that have
// words with times use [Cues] and [Timestamp] directly.
//
// Sources: the SubRip format as Matroska's subtitle specification
// describes it (index, "HH:MM:SS,mmm --> HH:MM:SS,mmm", text, blank line);
// W3C WebVTT (the "WEBVTT" header, "HH:MM:SS.mmm" times); the 42-character,
// two-line and 7-second limits of common broadcast subtitle guidelines
// (BBC Subtitle Guidelines, Netflix Timed Text Style Guide); NIST SCTK's
// trn format ("text (id)").
package transcript
