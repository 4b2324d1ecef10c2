#!/bin/sh
# make-corpus.sh: the default corpus recipe in two stages, so training can
# start on a first batch while synthesis continues.
#
#   scripts/corpus/make-corpus.sh [OUT] [FIRST] [N] [SEED]
#
# defaults: OUT=/work/corpus FIRST=3000 N=12000 SEED=1
# Stage 1 synthesizes FIRST training utterances (plus the held-out set) and
# snapshots its manifests as train-FIRST.tsv, train-all-FIRST.tsv and
# prompts-train-FIRST.txt; stage 2 resumes to N. Logs: OUT/synth-*.log,
# summaries: OUT/summary-*.txt. Run it from the repository root, e.g.
#   nohup scripts/corpus/make-corpus.sh >/dev/null 2>&1 &
set -eu
OUT=${1:-/work/corpus}
FIRST=${2:-3000}
N=${3:-12000}
SEED=${4:-1}
mkdir -p "$OUT"
go build -o "$OUT/corpus-bin" ./scripts/corpus
cd "$OUT"
./corpus-bin -out "$OUT" -n "$FIRST" -seed "$SEED" >"summary-$FIRST.txt" 2>"synth-$FIRST.log"
cp train.tsv "train-$FIRST.tsv"
cp train-all.tsv "train-all-$FIRST.tsv"
cp prompts-train.txt "prompts-train-$FIRST.txt"
./corpus-bin -out "$OUT" -n "$N" -seed "$SEED" >"summary-$N.txt" 2>"synth-$N.log"
