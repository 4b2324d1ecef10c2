#!/bin/sh
# How the recognizer copes with silence around the speech: scores a manifest
# as it is, with 0.3 s of digital silence (exact zeros) added at both ends,
# and with the quiet at both ends cut away (scripts/bench/quietcut: the 10 ms
# frames more than 35 dB below the loudest, which keeps weak word onsets).
#
#   scripts/bench/silence.sh MANIFEST.tsv [MODEL ...]   (no MODEL: the default model)
#
# MANIFEST.tsv: path<TAB>transcript[<TAB>...] lines, as transcribe eval reads.
#
# Needs sox. Prints WER and CER per condition and model, from
# `transcribe eval --manifest`. Work files go to a temporary folder.
set -eu
man=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/transcribe" "$root/cmd/transcribe"
go build -o "$tmp/quietcut" "$root/scripts/bench/quietcut"
"$tmp/quietcut" "$man" "$tmp/cut" >"$tmp/cut.tsv"
mkdir -p "$tmp/pad"
i=0
while IFS="$(printf '\t')" read -r path text rest; do
	case $path in /*) ;; *) path=$(dirname "$man")/$path ;; esac
	[ "$path" != path ] || continue # a header row
	i=$((i + 1))
	sox "$path" -b 16 "$tmp/pad/$i.wav" pad 0.3 0.3 2>/dev/null
	printf '%s\t%s\n' "$tmp/pad/$i.wav" "$text" >>"$tmp/pad.tsv"
done <"$man"
[ $# -gt 0 ] || set -- ""
for model in "$@"; do
	for cond in as-is pad cut; do
		m=$man
		[ "$cond" = as-is ] || m=$tmp/$cond.tsv
		set +e
		r=$("$tmp/transcribe" eval --manifest "$m" ${model:+--model "$model"} -j 2 2>&1 | grep -E '^%(WER|CER)' | awk '{print $1, $2}' | tr '\n' ' ')
		set -e
		printf '%s\t%s\t%s\n' "${model:-default}" "$cond" "$r"
	done
done
