#!/bin/sh
# Long recordings against the same clips one by one: joins the 500 clips of
# speechocean762-dev + speechocean762-dev-more (scripts/bench/longaudio) into
# one file (x REPEAT, default 1: 32 min), transcribes it as one file and the
# clips one by one with the default model, and scores both with
# `transcribe eval` (text/wer). Also prints the peak RSS of the long run.
#   scripts/bench/longaudio.sh [REPEAT]
set -eu
REPEAT=${1:-1}
DATA=${DATA:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/data/speech}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/transcribe" "$root/cmd/transcribe"
go build -o "$tmp/longaudio" "$root/scripts/bench/longaudio"
"$tmp/longaudio" -repeat "$REPEAT" "$tmp/w" "$DATA/speechocean762-dev/transcripts.tsv" "$DATA/speechocean762-dev-more/transcripts.tsv"
cd "$tmp/w"
"$tmp/transcribe" -j 2 --quiet --format tsv --list clips.list -o clips.hyp.tsv
echo "clips one by one: $("$tmp/transcribe" eval --ref clips.ref.tsv --hyp clips.hyp.tsv | head -1)"
/usr/bin/time -v "$tmp/transcribe" --quiet --format json long.wav -o long.hyp.json 2>long.time
printf 'long\t%s\n' "$(python3 -c 'import json,sys; print(json.load(open("long.hyp.json"))["text"])')" >long.hyp.tsv
echo "one long file:    $("$tmp/transcribe" eval --ref long.ref.tsv --hyp long.hyp.tsv | head -1)"
"$tmp/longaudio" -split long.hyp.json . >long.split.tsv
grep -E 'Maximum resident|Elapsed' long.time
