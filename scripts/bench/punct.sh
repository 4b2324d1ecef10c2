#!/bin/sh
# Punctuation and casing restoration (text/punct): the embedded BiLSTM tagger
# against the hidden-event n-gram baseline (Stolcke et al. 1998, built here
# with text/lm on the tagger's training text) on held-out text neither saw
# (The Great Gatsby; State of the Union 2003-2006): per-class precision,
# recall and F1 for comma, period and question mark, overall (micro) F1 and
# casing accuracy. Then the tagger's effect on recognizer output: the
# default model on speechocean762-dev with and without --punctuate, scored
# by `transcribe eval` (which drops punctuation and folds case), and a check
# that the two hypothesis files agree word for word once marks and case are
# stripped.
#   scripts/bench/punct.sh [MODEL]     (default: the embedded tagger)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
TEXT=${TEXT:-$root/../shared/data/text}
SPEECH=${SPEECH:-$root/../shared/data/speech}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/transcribe" "$root/cmd/transcribe"
model=
[ $# -gt 0 ] && model="--model $1"
# shellcheck disable=SC2086
"$tmp/transcribe" punct eval --data "$TEXT" --baseline $model
m=$SPEECH/speechocean762-dev/transcripts.tsv
if [ ! -f "$m" ]; then
	echo "punct.sh: SKIP the recognizer check: $m not found"
	exit 0
fi
"$tmp/transcribe" eval --manifest "$m" -j 2 --hyp-out "$tmp/plain.tsv" | head -2 | sed 's/^/without --punctuate: /'
"$tmp/transcribe" eval --manifest "$m" -j 2 --punctuate --hyp-out "$tmp/punct.tsv" | head -2 | sed 's/^/with --punctuate:    /'
python3 - "$tmp/plain.tsv" "$tmp/punct.tsv" <<'PY'
import re, sys
strip = lambda s: " ".join(re.sub(r"[.,?]", "", w).lower() for w in s.split())
a = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
b = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
diff = sum(1 for x, y in zip(a, b) if x[0] != y[0] or strip(x[1]) != strip(y[1]))
marks = {c: sum(y[1].count(c) for y in b) for c in ",.?"}
print(f"{len(b)} hypotheses; {diff} differ from the unpunctuated ones once marks and case are stripped; marks added: {marks}")
print("examples:", *[y[1] for y in b[:5]], sep="\n  ")
PY
