#!/bin/sh
# Runs the peer recognizer (Debian pocketsphinx + pocketsphinx-en-us) on the
# utterances of a manifest and writes id<TAB>text hypotheses and references
# for "transcribe eval --normalize". Audio is converted to 16 kHz mono 16-bit
# WAV by sox first (pocketsphinx's en-us model is 16 kHz).
#
#   asr/default/pocketsphinx.sh /work/corpus/so762-dev.tsv /tmp/ps-so762
#   transcribe eval --normalize --ref /tmp/ps-so762/ref.tsv --hyp /tmp/ps-so762/hyp.tsv
set -eu
manifest=$1
out=$2
mkdir -p "$out/wav"
: > "$out/ctl"
: > "$out/ref.tsv"
while IFS="$(printf '\t')" read -r path transcript rest; do
	id=$(basename "$path"); id=${id%.*}
	sox "$path" -r 16000 -c 1 -b 16 "$out/wav/$id.wav"
	echo "$id" >> "$out/ctl"
	printf '%s\t%s\n' "$id" "$transcript" >> "$out/ref.tsv"
done < "$manifest"
M=/usr/share/pocketsphinx/model/en-us
pocketsphinx_batch -adcin yes -cepdir "$out/wav" -cepext .wav -ctl "$out/ctl" -hyp "$out/hyp.trn" \
	-hmm $M/en-us -lm $M/en-us.lm.bin -dict $M/cmudict-en-us.dict > "$out/log" 2>&1
# hyp.trn lines are "words (id score)": turn them into id<TAB>words.
sed -E 's/^(.*) \(([^ )]+)( [^)]*)?\)$/\2\t\1/' "$out/hyp.trn" > "$out/hyp.tsv"
