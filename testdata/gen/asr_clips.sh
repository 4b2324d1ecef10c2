#!/bin/sh
# Makes the small speech clips in testdata/asr/ used by the asr and CLI
# tests: synthetic voices (Debian flite, espeak-ng), 16 kHz mono 16-bit WAV.
# Run by hand from the repository root:  sh testdata/gen/asr_clips.sh
set -eu
out=testdata/asr
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# flite "slt" reads a short sentence; espeak-ng (en-us) reads digits.
flite -voice slt -t "the weather is nice today" -o "$tmp/a.wav"
sox "$tmp/a.wav" -r 16000 -c 1 -b 16 "$out/weather.wav"
espeak-ng -v en-us -s 150 -w "$tmp/b.wav" "seven three nine one"
sox "$tmp/b.wav" -r 16000 -c 1 -b 16 "$out/digits.wav"
printf 'weather.wav\tthe weather is nice today\ndigits.wav\tseven three nine one\n' > "$out/clips.tsv"
