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
#
# Debian's torch does its matrix products through libblas.so.3, which is the
# reference BLAS unless an optimized one is installed. TORCH_BLAS=openblas
# runs the PyTorch side on OpenBLAS (Debian libopenblas0-pthread) whatever
# the system default is; TORCH_BLAS=system (the default) uses the default.
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
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 GOMAXPROCS=2
LOG=$(mktemp)
ours=$($PIN "$T" lm train --train "$D/train.txt" --valid "$D/valid.txt" --test "$D/test.txt" \
	--max-steps "$N" --max-time "${MAXS}s" --threads 2 --log-every 50 --final-eval=false -o /dev/null 2>&1 |
	tee "$LOG" | sed -n 's/.*: \([0-9.]*\) tok\/s$/\1/p' | tail -1)
grep -v '^epoch' "$LOG" >&2
BLASDIR=""
case ${TORCH_BLAS:-system} in
system) ;;
openblas)
	BLASDIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
	[ -e $BLASDIR/libblas.so.3 ] || { echo "TORCH_BLAS=openblas: install libopenblas0-pthread" >&2; exit 1; } ;;
*) echo "TORCH_BLAS must be system or openblas" >&2; exit 2 ;;
esac
blas=$(LD_LIBRARY_PATH=$BLASDIR /usr/bin/python3 -c 'import torch; m = open("/proc/self/maps").read(); print("openblas" if "openblas" in m else "reference BLAS" if "/blas/libblas" in m else "other BLAS")')
line=$(LD_LIBRARY_PATH=$BLASDIR $PIN /usr/bin/python3 scripts/bench/lstmlm_torch.py "$D" "$N" 2 "$MAXS" 2>"$LOG")
tail -2 "$LOG" >&2
echo "$line" >&2
theirs=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) tok\/s$/\1/p')
rm -f "$LOG"
echo "ecoute  $ours tok/s"
echo "pytorch $theirs tok/s ($(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)'), $blas)"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio ecoute/pytorch %.2fx\n", a / b }'
