#!/bin/bash
# Real-time factor of "transcribe" (default model, default decoding unless
# TRANSCRIBE_FLAGS says otherwise) on one core and on two, against
# pocketsphinx_batch (Debian pocketsphinx + pocketsphinx-en-us) on the same
# WAV files in the same run, with the word error rate of both scored by
# "transcribe eval --normalize". RTF = wall seconds / audio seconds, whole
# processes (model loading included) timed end to end; below 1 is faster
# than real time. CPU seconds (user + system, children included) are printed
# too: on a busy machine they are steadier than wall time. The ratios
# printed are pocketsphinx's time over ours (above 1: we are faster).
#
#   scripts/bench/rtf_vs_pocketsphinx.sh [DATA [N]]
#   TRANSCRIBE_FLAGS="--beam 1" scripts/bench/rtf_vs_pocketsphinx.sh
#
# DATA is a folder with transcripts.tsv (path<TAB>transcript, header row),
# by default ../shared/data/speech/speechocean762-dev; N limits the
# utterances (0: all). Needs sox, taskset, pocketsphinx_batch. Run it from
# the repository root on a quiet machine; one core means taskset -c 0 and
# GOMAXPROCS=1 for us, one pocketsphinx_batch process for the peer; two
# cores means -j 2 for us and the list split over two pocketsphinx_batch
# processes, one per core.
set -eu
data=${1:-../shared/data/speech/speechocean762-dev}
n=${2:-0}
flags=${TRANSCRIBE_FLAGS:-}
M=/usr/share/pocketsphinx/model/en-us
for tool in sox soxi taskset pocketsphinx_batch; do
	command -v $tool > /dev/null || { echo "missing $tool" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/transcribe" ./cmd/transcribe
T=$tmp/transcribe

# The same 16 kHz mono 16-bit WAV files for both (pocketsphinx's en-us
# model is 16 kHz; converting is not timed).
mkdir -p "$tmp/wav"
tail -n +2 "$data/transcripts.tsv" | if [ "$n" -gt 0 ]; then head -n "$n"; else cat; fi |
while IFS="$(printf '\t')" read -r path transcript rest; do
	id=$(basename "$path"); id=${id%.*}
	sox "$data/$path" -r 16000 -c 1 -b 16 "$tmp/wav/$id.wav"
	echo "$id" >> "$tmp/ctl"
	echo "$tmp/wav/$id.wav" >> "$tmp/list"
	printf '%s\t%s\n' "$id" "$transcript" >> "$tmp/ref.tsv"
done
files=$(wc -l < "$tmp/ctl")
audio=$(soxi -D "$tmp"/wav/*.wav | awk '{s += $1} END {printf "%.2f", s}')
half=$(( (files + 1) / 2 ))
head -n "$half" "$tmp/ctl" > "$tmp/ctl.0"
tail -n +"$((half + 1))" "$tmp/ctl" > "$tmp/ctl.1"

# timed NAME CMD...: runs CMD and records "wall cpu" seconds in $tmp/NAME.
timed() {
	local name=$1 TIMEFORMAT="%R %U %S"
	shift
	{ time "$@"; } 2> "$tmp/$name.time"
	tail -n 1 "$tmp/$name.time" | awk '{printf "%.2f %.2f\n", $1, $2 + $3}' > "$tmp/$name"
}
ps_run() { # ctl hyp cpu
	taskset -c "$3" pocketsphinx_batch -adcin yes -cepdir "$tmp/wav" -cepext .wav -ctl "$1" -hyp "$2" \
		-hmm $M/en-us -lm $M/en-us.lm.bin -dict $M/cmudict-en-us.dict > "$2.log" 2>&1
}
ps_two() {
	ps_run "$tmp/ctl.0" "$tmp/ps2a.trn" 0 &
	ps_run "$tmp/ctl.1" "$tmp/ps2b.trn" 1 &
	wait
}

echo "$files files, $audio s of audio from $data; transcribe flags: ${flags:-(defaults)}"
"$T" --version | sed -n 2p

# shellcheck disable=SC2086
timed ours1 env GOMAXPROCS=1 taskset -c 0 "$T" $flags -j 1 --quiet --format tsv --list "$tmp/list" -o "$tmp/ours1.tsv"
timed ps1 ps_run "$tmp/ctl" "$tmp/ps1.trn" 0
# shellcheck disable=SC2086
timed ours2 "$T" $flags -j 2 --quiet --format tsv --list "$tmp/list" -o "$tmp/ours2.tsv"
timed ps2 ps_two

# Hypotheses as id<TAB>text for scoring.
sed -E 's#^[^\t]*/([^/\t]+)\.wav\t#\1\t#' "$tmp/ours1.tsv" > "$tmp/ours.hyp"
sed -E 's/^(.*) \(([^ )]+)( [^)]*)?\)$/\2\t\1/' "$tmp/ps1.trn" > "$tmp/ps.hyp"
wer_of() { "$T" eval --normalize --ref "$tmp/ref.tsv" --hyp "$1" | head -n 1; }

printf '\n%-22s %9s %9s %9s %9s\n' "" "wall s" "RTF" "xRT" "CPU s"
for row in "transcribe, 1 core:ours1" "pocketsphinx, 1 core:ps1" "transcribe, 2 cores:ours2" "pocketsphinx, 2 cores:ps2"; do
	read -r wall cpu < "$tmp/${row#*:}"
	echo "${row%%:*}:$wall:$cpu:$audio"
done | awk -F: '{printf "%-22s %9.2f %9.4f %9.1f %9.2f\n", $1, $2, $2 / $4, $4 / $2, $3}'
ratio() { # NAME NAME: wall and CPU ratios of the second over the first
	read -r w1 c1 < "$tmp/$1"
	read -r w2 c2 < "$tmp/$2"
	echo "$w1 $w2 $c1 $c2" | awk '{printf "wall %.2f, CPU %.2f", $2 / $1, $4 / $3}'
}
echo
echo "pocketsphinx / transcribe, 1 core: $(ratio ours1 ps1)"
echo "pocketsphinx / transcribe, 2 cores: $(ratio ours2 ps2)"
echo "transcribe:   $(wer_of "$tmp/ours.hyp")"
echo "pocketsphinx: $(wer_of "$tmp/ps.hyp")"
