#!/bin/sh
# finetune.sh: the recipe's second stage. Continues a trained model (by
# default the embedded one, asr/default/model.safetensors) on the real
# recordings of ../shared/data/speech with part of the synthetic corpus, so
# that the network hears native speakers (Speech Commands) and the other
# 800 utterances of the speechocean762 training speakers, then packs it with
# the corpus's LM and scores it.
#
#   scripts/finetune.sh [OUT] [INIT] [SYNTH]
#
# defaults: OUT=/work/recipe INIT=asr/default/model.safetensors SYNTH=4000
#
# Needs OUT/corpus from scripts/corpus (scripts/recipe.sh makes it; a corpus
# made with -n 4000 is enough). Training data (OUT/NAME.tsv, shuffled,
# seed 1): the first SYNTH synthetic utterances of OUT/corpus/train.tsv that
# exist, speechocean762-train + -train-more x3, speech-commands-train x2, the
# three FSDD training speakers x2. Options: asr/default/finetune.json (Adam
# from INIT's weights, 200 warm-up steps to 6e-4, cosine decay to 1e-5, 6
# epochs, the recipe's augmentation). Resumable: run it again with RESUME=1.
# EXTRA=manifest adds more training lines (e.g. scripts/pseudolabel's
# pseudo.tsv) EXTRA_REPEAT times (default 2); NAME (default finetune) names
# the outputs, OUT/NAME-f32.safetensors and OUT/NAME.safetensors; TRAIN_FLAGS
# are added to the training command (e.g. "--epochs 2 --lr 3e-4").
# Scores go to OUT/NAME-scores.txt: speechocean762 dev-500,
# speech-commands-dev, the held-out synthetic voice and FSDD nicolas.
set -eu
OUT=${1:-/work/recipe}
INIT=${2:-asr/default/model.safetensors}
SYNTH=${3:-4000}
[ -f asr/default/finetune.json ] || { echo "finetune.sh: run it from the repository root" >&2; exit 2; }
C=$OUT/corpus
NAME=${NAME:-finetune}
EXTRA=${EXTRA:-}
EXTRA_REPEAT=${EXTRA_REPEAT:-2}
for f in train.tsv so762-train.tsv sc-train.tsv fsdd-train3.tsv lm-text.txt; do
	[ -f "$C/$f" ] || { echo "finetune.sh: $C/$f missing; run scripts/corpus first" >&2; exit 1; }
done
go build -o "$OUT/transcribe" ./cmd/transcribe
go build -o "$OUT/asrpack" ./asr/internal/asrpack
if [ -z "${RESUME:-}" ]; then
	{
		head -n "$SYNTH" "$C/train.tsv"
		for i in 1 2 3; do cat "$C/so762-train.tsv"; done
		for i in 1 2; do cat "$C/sc-train.tsv" "$C/fsdd-train3.tsv"; done
		if [ -n "$EXTRA" ]; then
			i=0
			while [ "$i" -lt "$EXTRA_REPEAT" ]; do cat "$EXTRA"; i=$((i + 1)); done
		fi
	} | awk 'BEGIN { srand(1) } { printf "%.12f\t%s\n", rand(), $0 }' | sort -k1,1 | cut -f2- >"$OUT/$NAME.tsv"
	echo "finetune: $(wc -l <"$OUT/$NAME.tsv") training utterances"
	"$OUT/transcribe" lm build --order 3 --prune "0 5 8" "$C/lm-text.txt" -o "$OUT/lm.arpa" 2>"$OUT/lm.log"
fi
t=$(date +%s)
"$OUT/transcribe" train --config asr/default/finetune.json --init "$INIT" \
	--train "$OUT/$NAME.tsv" --dev "$C/so762-dev.tsv" -o "$OUT/$NAME-f32.safetensors" \
	${RESUME:+--resume} ${TRAIN_FLAGS:-} 2>>"$OUT/$NAME.log"
echo "finetune: trained in $(( ($(date +%s) - t) / 60 )) minutes"
"$OUT/asrpack" -model "$OUT/$NAME-f32.safetensors" -lm "$OUT/lm.arpa" -int8 -dither 1 -o "$OUT/$NAME.safetensors"
: >"$OUT/$NAME-scores.txt"
for set in so762-dev500 sc-dev heldout fsdd-test; do
	[ -s "$C/$set.tsv" ] || continue
	echo "== $set" | tee -a "$OUT/$NAME-scores.txt"
	"$OUT/transcribe" eval --manifest "$C/$set.tsv" --model "$OUT/$NAME.safetensors" -j 2 2>&1 |
		grep -E '^%(WER|CER)' | tee -a "$OUT/$NAME-scores.txt"
done
