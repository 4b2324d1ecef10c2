#!/bin/sh
# The two LSTM language-model reproductions, resumable (run again after an
# interruption: each continues from its checkpoint).
#
#   scripts/bench/lstmlm_repro.sh wt2 [--tied]   WikiText-2 word level, PyTorch
#        word_language_model's configuration (2x200, dropout 0.2, bptt 35,
#        batch 20, SGD lr 20 /4 on plateau, clip 0.25, 6 epochs); reference
#        PyTorch's own run of that configuration: test perplexity 141.5-145.4
#        (129.6 tied; scripts/bench/lstmlm_torch_repro.py, results/wt2-pytorch).
#   scripts/bench/lstmlm_repro.sh shakespeare     Tiny Shakespeare characters,
#        first 90% train / last 10% validation; goal validation loss <= 1.47.
#
# Environment: DATA (default ../shared/data/text), RUNS (default ./lmruns),
# TRANSCRIBE (default: built from ./cmd/transcribe).
set -e
DATA=${DATA:-../shared/data/text}
RUNS=${RUNS:-lmruns}
what=${1:-}
case "$what" in
wt2 | shakespeare) shift ;;
*)
	sed -n '2,14p' "$0"
	exit 2
	;;
esac
T=${TRANSCRIBE:-}
if [ -z "$T" ]; then
	T=$(mktemp -d)/transcribe
	go build -o "$T" ./cmd/transcribe
fi
case "$what" in
wt2)
	name=wt2
	case " $* " in *" --tied "*) name=wt2-tied ;; esac
	dir=$RUNS/$name
	mkdir -p "$dir"
	resume="--lr 20"
	[ -f "$dir/ckpt.safetensors" ] && resume="--resume $dir/ckpt.safetensors"
	exec "$T" lm train $resume --train "$DATA/wikitext-2/train.txt" --valid "$DATA/wikitext-2/valid.txt" \
		--test "$DATA/wikitext-2/test.txt" --embed 200 --hidden 200 --layers 2 --dropout 0.2 \
		--bptt 35 --batch 20 --optim sgd --anneal 4 --clip 0.25 --epochs 6 --eval-batch 10 \
		-o "$dir/best.safetensors" --checkpoint "$dir/ckpt.safetensors" --checkpoint-every 25 --log-every 50 "$@"
	;;
shakespeare)
	dir=$RUNS/shakespeare
	mkdir -p "$dir"
	# Adam 0.002 for 5 epochs, then 0.001 up to epoch 9. Each phase resumes
	# from the checkpoint when there is one (a finished phase only re-reports).
	set -- --level char --train "$DATA/tinyshakespeare/input.txt" --split 0.1 \
		--embed 64 --hidden 512 --layers 2 --dropout 0.1 --bptt 100 --batch 64 --optim adam \
		--clip 5 --eval-batch 16 \
		-o "$dir/best.safetensors" --checkpoint "$dir/ckpt.safetensors" --checkpoint-every 50 --log-every 20 "$@"
	if [ -f "$dir/ckpt.safetensors" ]; then
		"$T" lm train --resume "$dir/ckpt.safetensors" --epochs 5 "$@"
	else
		"$T" lm train --lr 0.002 --epochs 5 "$@"
	fi
	exec "$T" lm train --resume "$dir/ckpt.safetensors" --lr 0.001 --epochs 9 "$@"
	;;
*)
	sed -n '2,14p' "$0"
	exit 2
	;;
esac
