#!/bin/sh
# pseudolabel.sh OUT [MODEL]: pseudo-labels for the untranscribed LibriSpeech
# clips of ../shared/data/speech: pocketsphinx (asr/default/pocketsphinx.sh)
# transcribes them, and an ecoute model (default: the embedded one) checks
# each transcript; OUT/pseudo.tsv keeps those where the two agree (see
# scripts/pseudolabel/main.go). Run from the repository root.
set -eu
OUT=${1:?usage: scripts/pseudolabel/pseudolabel.sh OUT [MODEL]}
MODEL=${2:-}
SET=../shared/data/speech/librispeech-untranscribed
mkdir -p "$OUT"
# pocketsphinx.sh reads a manifest: path<TAB>transcript (none here).
tail -n +2 "$SET/files.tsv" | awk -F'\t' -v d="$(cd "$SET" && pwd)" '{ print d "/" $1 "\t-" }' >"$OUT/files-manifest.tsv"
[ -s "$OUT/ps/hyp.tsv" ] || sh asr/default/pocketsphinx.sh "$OUT/files-manifest.tsv" "$OUT/ps"
go run ./scripts/pseudolabel -files "$SET/files.tsv" -teacher "$OUT/ps/hyp.tsv" ${MODEL:+-model "$MODEL"} -o "$OUT/pseudo.tsv"
