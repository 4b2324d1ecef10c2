#!/bin/sh
# Generates the committed MP3 test clips in testdata/audio/ and their decodes
# by an independent decoder (sox, through libmad: Debian packages sox and
# libsox-fmt-mp3). Run from the repository root: sh testdata/gen/mp3_clips.sh
#
#   clip16k.mp3        MPEG-2 layer III, 16 kHz mono, 48 kbit/s (as the shared
#                      Speech Commands and speechocean762-train-more sets)
#   clip44k_stereo.mp3 MPEG-1 layer III, 44.1 kHz joint stereo, 128 kbit/s
#   *.sox.wav          sox's 16-bit decode of each, the reference the Go
#                      decoder is compared with (sample-aligned SNR)
set -eu
out=testdata/audio
sox -V1 "$out/clip16k.wav" -C 48 "$out/clip16k.mp3"
sox -V1 "$out/clip_stereo.wav" -r 44100 -C 128 "$out/clip44k_stereo.mp3" rate -v trim 0 0.5
for f in clip16k clip44k_stereo; do
	sox -V1 "$out/$f.mp3" -b 16 "$out/$f.mp3.sox.wav"
done
