#!/bin/sh
# recipe.sh: the speech model from scratch in one command, within a time budget.
#
#   scripts/recipe.sh [OUT] [N] [BUDGET_MINUTES]
#   scripts/recipe.sh --finish [OUT] [CHECKPOINT]
#
# defaults: OUT=/work/recipe N=12000 BUDGET_MINUTES=120
#
# 1. synthesizes the corpus (scripts/corpus: N synthetic training utterances,
#    the 200-utterance held-out voice, manifests mixing in ../shared/data/speech)
# 2. builds the pruned word 3-gram LM from the corpus's LM text
# 3. trains with asr/default/train.json (one run: Adam, warm-up, cosine decay);
#    whatever is left of the budget caps training (--stop-after), so the whole
#    recipe ends inside BUDGET_MINUTES even on a slower machine; a run the
#    budget stops leaves its checkpoint, OUT/model-f32.safetensors.ckpt
# 4. packs weights (int8) and LM into OUT/model.safetensors
# 5. scores it on speechocean762-dev, the held-out voice and FSDD nicolas
#
# --finish resumes the training that the budget stopped in OUT and runs it to
# its end (no budget), then packs and scores. With CHECKPOINT (such as the
# committed asr/default/checkpoint/*.ckpt) training resumes from that file
# instead. The corpus step runs first either way, with the N of the run being
# finished (OUT/recipe.n; 12000 without it): it synthesizes only what OUT
# lacks, seconds when the corpus is complete, and the LM is rebuilt from its
# text. Resuming gives
# the same weights as an uninterrupted run, and the data must be the same: the
# corpus of the same N and seed, at the same OUT (the manifest paths are part
# of what a checkpoint checks).
#
# Each stage's wall time goes to OUT/times.txt and stdout; logs are in OUT/.
# Needs the Debian packages of scripts/corpus/README.md. Run it from the
# repository root on a quiet machine, e.g.
#   nohup scripts/recipe.sh >/work/recipe.out 2>&1 &
# Then: transcribe --model /work/recipe/model.safetensors clip.wav
set -eu
usage() {
	echo "usage: scripts/recipe.sh [OUT] [N] [BUDGET_MINUTES]" >&2
	echo "       scripts/recipe.sh --finish [OUT] [CHECKPOINT]   (see --help)" >&2
	exit 2
}
FINISH=
case "${1:-}" in
-h|--help)
	sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit 0 ;;
--finish)
	FINISH=1
	shift ;;
-*)
	usage ;;
esac
OUT=${1:-/work/recipe}
if [ -n "$FINISH" ]; then
	[ $# -le 2 ] || usage
	CKPT=${2:-}
	# the corpus size of the run being finished (recorded by it), else the
	# default that the committed checkpoint was trained on
	N=$(cat "$OUT/recipe.n" 2>/dev/null || echo 12000)
	BUDGET=0
	if [ -n "$CKPT" ] && [ ! -f "$CKPT" ]; then
		echo "recipe.sh: no checkpoint $CKPT" >&2
		exit 1
	fi
	if [ -z "$CKPT" ] && [ ! -f "$OUT/model-f32.safetensors.ckpt" ]; then
		echo "recipe.sh: $OUT has no checkpoint to finish; give one" >&2
		exit 1
	fi
else
	[ $# -le 3 ] || usage
	N=${2:-12000}
	BUDGET=${3:-120}
	case "$N$BUDGET" in *[!0-9]*)
		echo "recipe.sh: N and BUDGET_MINUTES are whole numbers" >&2
		usage ;;
	esac
fi
[ -f asr/default/train.json ] || { echo "recipe.sh: run it from the repository root" >&2; exit 2; }
mkdir -p "$OUT"
[ -n "$FINISH" ] || echo "$N" >"$OUT/recipe.n"
T0=$(date +%s)
[ -n "$FINISH" ] || : >"$OUT/times.txt"
stage() { # stage NAME START: log the stage's minutes and the total so far
	now=$(date +%s)
	printf '%-8s %6.1f min   total %6.1f min\n' "$1" "$(echo "($now-$2)/60" | bc -l)" \
		"$(echo "($now-$T0)/60" | bc -l)" | tee -a "$OUT/times.txt"
}

t=$(date +%s)
go build -o "$OUT/transcribe" ./cmd/transcribe
go build -o "$OUT/corpus-bin" ./scripts/corpus
go build -o "$OUT/asrpack" ./asr/internal/asrpack
stage build "$t"

# The corpus step keeps the audio already there (seconds when the corpus is
# complete) and rewrites the manifests and the LM text, so --finish on an
# older corpus folder still packs the LM this version of the recipe makes.
t=$(date +%s)
"$OUT/corpus-bin" -out "$OUT/corpus" -n "$N" -seed 1 >"$OUT/corpus-summary.txt" 2>"$OUT/corpus.log"
stage corpus "$t"
t=$(date +%s)
"$OUT/transcribe" lm build --order 3 --prune "0 5 8" "$OUT/corpus/lm-text.txt" -o "$OUT/lm.arpa" 2>"$OUT/lm.log"
stage lm "$t"

train() { # train ARGS...: the recipe's training command with extra flags
	"$OUT/transcribe" train --config asr/default/train.json \
		--train "$OUT/corpus/train-all.tsv" --dev "$OUT/corpus/so762-dev.tsv" \
		-o "$OUT/model-f32.safetensors" "$@"
}
t=$(date +%s)
if [ -n "$FINISH" ]; then
	[ -z "$CKPT" ] || cp "$CKPT" "$OUT/model-f32.safetensors.ckpt"
	train --resume 2>>"$OUT/train.log"
else
	# Training gets the rest of the budget less 4 minutes for packing and a margin.
	left=$(( BUDGET - ($(date +%s) - T0) / 60 - 4 ))
	if [ "$left" -lt 10 ]; then
		echo "recipe.sh: only $left minutes left for training; raise BUDGET_MINUTES" >&2
		exit 1
	fi
	train --stop-after "$left" 2>"$OUT/train.log"
fi
stage train "$t"

t=$(date +%s)
# Dither 1 (Kaldi's default) at recognition keeps digital silence off the log floor.
"$OUT/asrpack" -model "$OUT/model-f32.safetensors" -lm "$OUT/lm.arpa" -int8 -dither 1 -o "$OUT/model.safetensors"
stage pack "$t"
if grep -q '^stopping after' "$OUT/train.log" && [ -z "$FINISH" ]; then
	echo "recipe: the budget stopped training: $(grep '^stopping after' "$OUT/train.log" | tail -1)" | tee -a "$OUT/times.txt"
	echo "recipe: $OUT/model.safetensors is the model so far; scripts/recipe.sh --finish $OUT completes it" | tee -a "$OUT/times.txt"
else
	echo "recipe: $OUT/model.safetensors (training complete; scoring follows)" | tee -a "$OUT/times.txt"
fi

for set in so762-dev heldout fsdd-test; do
	echo "== $set" | tee -a "$OUT/scores.txt"
	"$OUT/transcribe" eval --manifest "$OUT/corpus/$set.tsv" --model "$OUT/model.safetensors" -j 2 2>&1 |
		grep -E '^%(WER|CER)|RTF' | tee -a "$OUT/scores.txt"
done
