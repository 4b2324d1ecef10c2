#!/bin/sh
# Generates the committed test clips in testdata/audio/ and testdata/hello.wav.
# Needs espeak-ng and sox (Debian packages espeak-ng, sox). Run from the
# repository root: sh testdata/gen/audio_clips.sh
#
# One spoken clip in many encodings, so the decoder tests can check that every
# variant decodes to the same signal, and a sine sweep for the resampler.
set -eu
out=testdata/audio
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# espeak-ng writes 22050 Hz mono; sox's very-high-quality resampler makes 16k.
espeak-ng -v en-us -s 190 -w "$tmp/clip.wav" "one two three"
sox -V1 "$tmp/clip.wav" -r 16000 -b 16 -c 1 "$out/clip16k.wav" rate -v norm -3
c="$out/clip16k.wav"

sox -V1 "$c" -r 8000 "$out/clip8k.wav" rate -v
sox -V1 "$c" -r 44100 "$out/clip44k.wav" rate -v
# Plain (WAVE_FORMAT_PCM) and, for 24-bit, extensible (WAVE_FORMAT_EXTENSIBLE)
# headers; sox writes float as plain WAVE_FORMAT_IEEE_FLOAT, the tests build
# extensible float headers themselves. Long encodings are trimmed to keep the
# repository small.
sox -V1 "$c" -D -t wavpcm -b 8 -e unsigned-integer "$out/clip_u8.wav"
sox -V1 "$c" -t wavpcm -b 24 "$out/clip_s24.wav"
sox -V1 "$c" -t wav -b 24 "$out/clip_s24_ext.wav"
sox -V1 "$c" -t wavpcm -b 32 "$out/clip_s32.wav" trim 0 0.5
sox -V1 "$c" -t wavpcm -b 32 -e floating-point "$out/clip_f32.wav"
sox -V1 "$c" -t wavpcm -b 64 -e floating-point "$out/clip_f64.wav" trim 0 0.5
# Telephony: G.711 at 8 kHz. -D: no dither, so the quantization error is bounded.
sox -V1 "$out/clip8k.wav" -D -t wavpcm -e a-law "$out/clip_alaw.wav"
sox -V1 "$out/clip8k.wav" -D -t wavpcm -e u-law "$out/clip_ulaw.wav"
# Stereo: left is the clip, right is the clip at half amplitude and inverted,
# so mixing, picking left and picking right all give different signals.
sox -V1 "$c" -D "$tmp/right.wav" vol -0.5
sox -V1 -M "$c" "$tmp/right.wav" "$out/clip_stereo.wav"
# Four channels, 24-bit: sox writes WAVE_FORMAT_EXTENSIBLE.
sox -V1 -M "$c" "$tmp/right.wav" "$c" "$tmp/right.wav" -b 24 "$out/clip_4ch_s24.wav" trim 0 0.25
# FLAC: 16-bit mono, and 24-bit stereo.
sox -V1 "$c" "$out/clip16k.flac"
sox -V1 "$out/clip_stereo.wav" -b 24 "$out/clip_stereo24.flac"
# Big-endian RIFX.
sox -V1 "$c" -t wav -B "$out/clip_rifx.wav" 2>/dev/null || true

# A logarithmic sine sweep 20 Hz - 22 kHz at 44.1 kHz for the resampler tests.
sox -V1 -n -r 44100 -b 16 "$out/sweep44k.wav" synth 0.5 sine 20-22000 vol 0.5

# The README quick-start clip.
espeak-ng -v en-us -s 175 -w "$tmp/hello.wav" "the quick brown fox jumps over the lazy dog"
sox -V1 "$tmp/hello.wav" -r 16000 -b 16 -c 1 testdata/hello.wav rate -v norm -3

ls -l "$out" testdata/hello.wav
