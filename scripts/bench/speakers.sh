#!/bin/sh
# How dev accuracy moves with the number of real training speakers: three
# 3x160 models trained side by side (one thread each) on the same synthetic
# and FSDD data plus 25, 50 or all 100 speechocean762-train speakers. The
# speakers are taken evenly from the sorted ids, and repeated x12, x6 and x3,
# so every run hears the same amount of real speech per epoch and takes the
# same number of steps; only the number of different speakers changes.
#
#   scripts/bench/speakers.sh [OUT=/work/recipe] [EPOCHS=8] [SEED=1] [SPEAKERS="25 50 100"]
#
# Needs the corpus and LM of scripts/recipe.sh in OUT (OUT/corpus, OUT/lm.arpa).
# SPEAKERS picks which of the three runs to make. Work goes to OUT/speakers
# (OUT/speakers-seedN for another seed): manifests, logs (the trainer's greedy
# dev CER per epoch), models, and scores.txt with WER/CER on speechocean762-dev, the
# held-out voice and FSDD, decoded as the default model is (int8 weights, the
# recipe's LM, beam search). The synthetic part is every third utterance of
# OUT/corpus/train.tsv (4,000 of 12,000), to keep the runs short: about an hour
# each on a 2-core machine.
set -eu
out=${1:-/work/recipe}
epochs=${2:-8}
seed=${3:-1}
run=${4:-25 50 100}
root=$(cd "$(dirname "$0")/../.." && pwd)
c=$out/corpus
w=$out/speakers
[ "$seed" = 1 ] || w=$out/speakers-seed$seed
for f in "$c/train.tsv" "$c/so762-train.tsv" "$c/fsdd-train3.tsv" "$c/so762-dev.tsv" "$out/lm.arpa"; do
	[ -f "$f" ] || { echo "speakers.sh: $f is missing (run scripts/recipe.sh $out first)" >&2; exit 1; }
done
for n in $run; do
	case $n in 25 | 50 | 100) ;; *) echo "speakers.sh: SPEAKERS are 25, 50 or 100, not $n" >&2; exit 2 ;; esac
done
mkdir -p "$w"
go build -o "$w/transcribe" "$root/cmd/transcribe"
go build -o "$w/asrpack" "$root/asr/internal/asrpack"

awk 'NR%3==1' "$c/train.tsv" >"$w/synth.tsv"
awk -F'\t' '{print $3}' "$c/so762-train.tsv" | sort -u >"$w/spk.txt"
all=$(wc -l <"$w/spk.txt")
[ "$all" -eq 100 ] || { echo "speakers.sh: expected 100 speakers in so762-train.tsv, found $all" >&2; exit 1; }
for n in 25 50 100; do
	awk -v s=$((100 / n)) 'NR%s==0' "$w/spk.txt" >"$w/spk$n.txt"
	awk -F'\t' 'NR==FNR{k[$1]=1;next} ($3 in k)' "$w/spk$n.txt" "$c/so762-train.tsv" >"$w/so$n.tsv"
	{
		cat "$w/synth.tsv" "$c/fsdd-train3.tsv" "$c/fsdd-train3.tsv"
		i=0
		while [ $i -lt $((300 / n)) ]; do cat "$w/so$n.tsv"; i=$((i + 1)); done
	} >"$w/train$n.tsv"
	echo "speakers.sh: $n speakers, $(wc -l <"$w/so$n.tsv") recordings x$((300 / n)), $(wc -l <"$w/train$n.tsv") utterances per epoch"
done

for n in $run; do
	"$w/transcribe" train --config "$root/asr/default/train.json" --hidden 160 --epochs "$epochs" \
		--threads 1 --seed "$seed" --train "$w/train$n.tsv" --dev "$c/so762-dev.tsv" -o "$w/m$n.safetensors" \
		>"$w/log$n.txt" 2>&1 &
	pids="${pids:-} $!:$n"
done
failed=0
for p in $pids; do # a run that fails leaves its last epoch's model: score none then
	wait "${p%%:*}" || { echo "speakers.sh: the ${p#*:}-speaker run failed, see $w/log${p#*:}.txt" >&2; failed=1; }
done
[ $failed = 0 ] || exit 1

: >"$w/scores.txt"
for n in $run; do
	"$w/asrpack" -model "$w/m$n.safetensors" -lm "$out/lm.arpa" -int8 -dither 1 -o "$w/p$n.safetensors"
	for set in so762-dev heldout fsdd-test; do
		r=$("$w/transcribe" eval --manifest "$c/$set.tsv" --model "$w/p$n.safetensors" -j 2 2>&1 |
			grep -E '^%(WER|CER)' | awk '{print $1, $2}' | tr '\n' ' ')
		printf '%s speakers\t%s\t%s\n' "$n" "$set" "$r" | tee -a "$w/scores.txt"
	done
done
