#!/bin/bash
# Forced-alignment accuracy and speed: ours (asr.Recognizer.Align, default
# model) against pocketsphinx_batch aligning the same audio to a fixed
# sentence grammar (Debian pocketsphinx + pocketsphinx-en-us; -remove_silence
# no, since its VAD drops frames and shifts the times it reports; beams
# widened, since at the default ones 5 of 40 files end outside the grammar), on test
# audio whose word boundaries are known.
#
#   scripts/bench/align.sh [DATA [FILES [WORDS]]]
#   LONG=3600 scripts/bench/align.sh     # also the memory and time of
#                                        # "transcribe align" on one hour
#
# The test audio (scripts/bench/align build) is FSDD digits of nicolas (the
# held-out speaker) and Speech Commands dev words, 0.1-0.8 s of silence or
# noise between them; each word's true start and end are found by an energy
# threshold on its isolated clip (TRUTH=strict, the default, leaves the MP3
# decoder's silent padding out of the clip's floor and skips clips with two
# sounds; TRUTH=energy is the first truth, for earlier figures). DATA defaults to ../shared/data/speech,
# FILES to 40 files of WORDS (10) words. Errors are absolute differences
# between aligned and true boundaries, starts and ends pooled (goal: median
# <= 30 ms, 95th percentile <= 100 ms), for all boundaries and for the sharp
# ones alone (those a threshold 3 dB lower or higher moves 0.1 s or less:
# the rest are not known to the tolerance measured). Speed: ours on one core
# (GOMAXPROCS=1, taskset -c 0), Align as a whole and the Viterbi search
# alone, as audio seconds per wall and per CPU second; pocketsphinx's CPU
# time for the same files (one process per file, since each has its own
# grammar). On a shared machine the CPU figures are the steadier ones.
set -eu
data=${1:-../shared/data/speech}
files=${2:-40}
words=${3:-10}
M=/usr/share/pocketsphinx/model/en-us
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/align" ./scripts/bench/align
go build -o "$tmp/transcribe" ./cmd/transcribe

"$tmp/align" build -data "$data" -out "$tmp/t" -files "$files" -words "$words" -truth "${TRUTH:-strict}"
echo "== ours"
env GOMAXPROCS=1 taskset -c 0 "$tmp/align" ours -dir "$tmp/t" > "$tmp/ours.tsv"
"$tmp/align" score -dir "$tmp/t" "$tmp/ours.tsv"

if command -v pocketsphinx_batch > /dev/null; then
	echo "== pocketsphinx_batch (JSGF grammar of the sentence)"
	start=$(date +%s.%N)
	TIMEFORMAT="%U %S"
	{ time while read -r id; do
		echo "$id" > "$tmp/ctl.one"
		taskset -c 0 pocketsphinx_batch -adcin yes -cepdir "$tmp/t/wav" -cepext .wav -ctl "$tmp/ctl.one" \
			-hmm $M/en-us -dict $M/cmudict-en-us.dict -jsgf "$tmp/t/jsgf/$id.gram" -remove_silence no -beam 1e-120 -pbeam 1e-120 -wbeam 1e-100 \
			-ctm "$tmp/ps.$id.ctm" -hyp "$tmp/ps.$id.hyp" > "$tmp/ps.$id.log" 2>&1 || echo "pocketsphinx failed on $id" >&2
		cat "$tmp/ps.$id.ctm" >> "$tmp/ps.ctm" 2> /dev/null || true
	done < "$tmp/t/ctl"; } 2> "$tmp/ps.time"
	end=$(date +%s.%N)
	"$tmp/align" ctm "$tmp/ps.ctm" > "$tmp/ps.tsv"
	"$tmp/align" score -dir "$tmp/t" "$tmp/ps.tsv"
	secs=$(ls "$tmp"/t/wav/*.wav | xargs -n1 soxi -D 2> /dev/null | awk '{s += $1} END {print s}')
	awk -v w="$(echo "$end - $start" | bc)" -v a="$secs" '{c = $1 + $2; printf "pocketsphinx: wall %.2f s (%.0fx real time), CPU %.2f s (%.0fx real time per CPU second), model loading included\n", w, a / w, c, a / c}' "$tmp/ps.time"
fi

if [ "${LONG:-0}" != 0 ]; then
	echo "== transcribe align on ${LONG} s (the test files looped), one core"
	mkdir -p "$tmp/long"
	"$tmp/align" long -dir "$tmp/t" -seconds "$LONG" "$tmp/long.wav" "$tmp/long.txt" "$tmp/long/truth.tsv"
	wc -w < "$tmp/long.txt" | awk '{print $1 " words of text"}'
	env GOMAXPROCS=1 taskset -c 0 /usr/bin/time -f "wall %e s, CPU %U+%S s, max RSS %M KiB" -o "$tmp/long.time" \
		"$tmp/transcribe" align --quiet --format json "$tmp/long.wav" "$tmp/long.txt" > "$tmp/long.json"
	cat "$tmp/long.time"
	awk -v a="$LONG" '{w = $2; split($5, u, "+"); printf "%.0fx real time (wall), %.0fx per CPU second\n", a / w, a / (u[1] + u[2])}' "$tmp/long.time"
	/usr/bin/python3 - "$tmp/long.json" "$tmp/long.tsv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["words"]
print(len(w), "words aligned,", sum(1 for x in w if x["low"]), "flagged low,", sum(1 for x in w if not x["found"]), "not found")
with open(sys.argv[2], "w") as f:
    for i, x in enumerate(w):
        f.write(f"long\t{i}\t{x['word']}\t{x['start']:.4f}\t{x['end']:.4f}\n")
PY
	"$tmp/align" score -dir "$tmp/long" "$tmp/long.tsv"
fi
