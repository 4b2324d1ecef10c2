#!/bin/sh
# Side-by-side training throughput of ecoute's LSTM language model and
# PyTorch's word_language_model on WikiText-2 (2x200 LSTM, dropout 0.2,
# bptt 35, batch 20, SGD lr 20, clip 0.25), both on 2 threads, back to back,
# same machine. Prints both tokens/s and the ratio.
#
# Usage: scripts/bench/lstmlm_bench.sh [WIKITEXT2_DIR [BATCHES [MAX_SECONDS]]]
#   WIKITEXT2_DIR  default ../shared/data/text/wikitext-2
#   BATCHES        batches per side (default 300; the first 2 are warm-up)
#   MAX_SECONDS    stop a side early after this long (default: no limit)
# Needs /usr/bin/python3 with torch (Debian python3-torch) and a Go toolchain
# (or TRANSCRIBE=path/to/transcribe).
set -e
D=${1:-../shared/data/text/wikitext-2}
N=${2:-300}
MAXS=${3:-100000}
T=${TRANSCRIBE:-}
if [ -z "$T" ]; then
	T=$(mktemp -d)/transcribe
	go build -o "$T" ./cmd/transcribe
fi
PIN=""
if command -v taskset >/dev/null && [ "$(nproc)" -gt 2 ]; then PIN="taskset -c 0,1"; fi
export OMP_NUM_THREADS=2 GOMAXPROCS=2
LOG=$(mktemp)
ours=$($PIN "$T" lm train --train "$D/train.txt" --valid "$D/valid.txt" --test "$D/test.txt" \
	--max-steps "$N" --max-time "${MAXS}s" --threads 2 --log-every 50 --final-eval=false -o /dev/null 2>&1 |
	tee "$LOG" | sed -n 's/.*: \([0-9.]*\) tok\/s$/\1/p' | tail -1)
grep -v '^epoch' "$LOG" >&2
line=$($PIN /usr/bin/python3 scripts/bench/lstmlm_torch.py "$D" "$N" 2 "$MAXS" 2>"$LOG")
tail -2 "$LOG" >&2
echo "$line" >&2
theirs=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) tok\/s$/\1/p')
rm -f "$LOG"
echo "ecoute  $ours tok/s"
echo "pytorch $theirs tok/s ($(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)'))"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio ecoute/pytorch %.2fx\n", a / b }'
