#!/bin/sh
# Makes the tiny corpora in testdata/corpora/, one per layout that
# asr/corpus reads, each with a few short words spoken by espeak-ng (Debian
# packages espeak-ng and sox, with libsox-fmt-mp3 for the Common Voice MP3s):
#
#   manifest/      train.tsv: path<TAB>transcript<TAB>voice, no header; WAV
#   transcripts/   transcripts.tsv with a header (path, transcript, speaker,
#                  age, gender) as in ../shared/data/speech; FLAC
#   commonvoice/   train.tsv, dev.tsv, test.tsv with Common Voice's columns,
#                  clips/*.mp3 (MPEG-2 layer III, 16 kHz, 32 kbit/s)
#   kaldi/         wav.scp, text, segments, utt2spk: two recordings, one WAV
#                  holding three words cut apart by segments (times on exact
#                  sample boundaries), one FLAC read to its end (END -1)
#   librispeech/   SPEAKER/CHAPTER/SPEAKER-CHAPTER-UTT.flac + .trans.txt
#
# Every clip is 16 kHz mono 16-bit before encoding. Run by hand from the
# repository root:  sh testdata/gen/corpora.sh
set -eu
out=testdata/corpora
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# say VOICE TEXT FILE: TEXT spoken by VOICE, 16 kHz mono 16-bit, quiet ends
# trimmed to 50 ms, in a format given by FILE's extension.
say() {
	espeak-ng -v "$1" -s 170 -w "$tmp/say.wav" "$2"
	sox -V1 "$tmp/say.wav" -r 16000 -c 1 -b 16 "$tmp/say16.wav" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0.05 0.05
	case "$3" in
	*.mp3) sox -V1 "$tmp/say16.wav" -C 32 "$3" ;;
	*) sox -V1 "$tmp/say16.wav" "$3" ;;
	esac
}

# manifest: the project's own headerless TSV.
mkdir -p "$out/manifest"
say en-us "yes" "$out/manifest/yes.wav"
say en-gb "no" "$out/manifest/no.wav"
say en-us "go left" "$out/manifest/go_left.wav"
printf 'yes.wav\tyes\ten-us\nno.wav\tno\ten-gb\ngo_left.wav\tgo left\ten-us\n' > "$out/manifest/train.tsv"

# transcripts.tsv: a header row and extra columns.
mkdir -p "$out/transcripts/audio"
say en-us "up" "$out/transcripts/audio/s1_up.flac"
say en-gb "down" "$out/transcripts/audio/s2_down.flac"
say en-us "stop now" "$out/transcripts/audio/s1_stop_now.flac"
printf 'path\ttranscript\tspeaker\tage\tgender\naudio/s1_up.flac\tUP\ts1\t30\tm\naudio/s2_down.flac\tDOWN\ts2\t41\tf\naudio/s1_stop_now.flac\tSTOP NOW\ts1\t30\tm\n' > "$out/transcripts/transcripts.tsv"

# Common Voice: the columns of recent releases, sentences with case and
# punctuation as Common Voice ships them.
mkdir -p "$out/commonvoice/clips"
say en-us "one two" "$out/commonvoice/clips/common_voice_en_1.mp3"
say en-gb "three" "$out/commonvoice/clips/common_voice_en_2.mp3"
say en-us "four, five!" "$out/commonvoice/clips/common_voice_en_3.mp3"
hdr='client_id\tpath\tsentence_id\tsentence\tsentence_domain\tup_votes\tdown_votes\tage\tgender\taccents\tvariant\tlocale\tsegment\n'
printf "$hdr"'a1f0\tcommon_voice_en_1.mp3\ts1\tOne two.\t\t2\t0\ttwenties\tmale_masculine\tUnited States English\t\ten\t\nb2e1\tcommon_voice_en_2.mp3\ts2\tThree?\t\t2\t0\t\t\tEngland English\t\ten\t\n' > "$out/commonvoice/train.tsv"
printf "$hdr"'a1f0\tcommon_voice_en_3.mp3\ts3\tFour, five!\t\t3\t1\ttwenties\tmale_masculine\tUnited States English\t\ten\t\n' > "$out/commonvoice/dev.tsv"
printf "$hdr"'b2e1\tcommon_voice_en_2.mp3\ts2\tThree?\t\t2\t0\t\t\tEngland English\t\ten\t\n' > "$out/commonvoice/test.tsv"

# Kaldi: rec1 holds "yes", "no", "stop", each padded to a whole number of
# 10 ms so the segment times fall on sample boundaries.
mkdir -p "$out/kaldi"
segs=""
t=0
: > "$out/kaldi/segments"
for w in yes no stop; do
	espeak-ng -v en-us -s 170 -w "$tmp/say.wav" "$w"
	sox -V1 "$tmp/say.wav" -r 16000 -c 1 -b 16 "$tmp/w.wav" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
	n=$(soxi -s "$tmp/w.wav")
	n=$(( (n + 159) / 160 * 160 )) # whole 10 ms
	sox -V1 "$tmp/w.wav" "$tmp/w_$w.wav" pad 0 "$(( n - $(soxi -s "$tmp/w.wav") ))s" pad 0.1 0.1
	segs="$segs $tmp/w_$w.wav"
	len=$(( n + 3200 )) # 0.1 s either side
	awk -v w="$w" -v a="$t" -v b="$(( t + len ))" 'BEGIN { printf "spk1-rec1-%s rec1 %.2f %.2f\n", w, a / 16000, b / 16000 }' >> "$out/kaldi/segments"
	t=$(( t + len ))
done
sox -V1 $segs "$out/kaldi/rec1.wav"
say en-gb "right" "$out/kaldi/rec2.flac"
printf 'spk2-rec2-right rec2 0 -1\n' >> "$out/kaldi/segments"
printf 'rec1 rec1.wav\nrec2 rec2.flac\n' > "$out/kaldi/wav.scp"
printf 'spk1-rec1-yes YES\nspk1-rec1-no NO\nspk1-rec1-stop STOP\nspk2-rec2-right RIGHT\n' > "$out/kaldi/text"
printf 'spk1-rec1-yes spk1\nspk1-rec1-no spk1\nspk1-rec1-stop spk1\nspk2-rec2-right spk2\n' > "$out/kaldi/utt2spk"

# LibriSpeech: two readers, three utterances.
mkdir -p "$out/librispeech/19/198" "$out/librispeech/26/495"
say en-us "off" "$out/librispeech/19/198/19-198-0000.flac"
say en-us "on the left" "$out/librispeech/19/198/19-198-0001.flac"
say en-gb "zero" "$out/librispeech/26/495/26-495-0000.flac"
printf '19-198-0000 OFF\n19-198-0001 ON THE LEFT\n' > "$out/librispeech/19/198/19-198.trans.txt"
printf '26-495-0000 ZERO\n' > "$out/librispeech/26/495/26-495.trans.txt"
du -sh "$out"
