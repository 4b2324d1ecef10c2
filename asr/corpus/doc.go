// Package corpus reads labelled speech corpora in the layouts users download
// or make: Kaldi data folders, Common Voice releases, LibriSpeech folders, and
// ecoute's own TSV manifests. Every layout comes back as a list of
// Utterance values (audio source, optional time range, transcript, speaker),
// so the trainer and `transcribe eval` read the same corpora the same way.
//
// Layouts (Read decides from the path):
//
//   - A TSV manifest: path<TAB>transcript[<TAB>speaker...] per line, paths
//     relative to the manifest's folder, no header (the files the corpus
//     scripts write).
//   - A TSV with a header row naming its columns, as transcripts.tsv in
//     ../shared/data/speech: path, transcript (or text or sentence) and
//     optionally speaker (or voice, client_id, speaker_id); other columns are
//     ignored.
//   - A Common Voice split (train.tsv, dev.tsv, test.tsv, validated.tsv):
//     a header row with client_id, path and sentence; the audio is in the
//     clips folder beside the file.
//   - A Kaldi data folder: wav.scp ("REC PATH" or "REC COMMAND |", the
//     command's standard output being the audio), text ("UTT words"),
//     optionally segments ("UTT REC START END [CHANNEL]": an utterance is a
//     time range of a recording; END -1 runs to the end) and utt2spk
//     ("UTT SPEAKER").
//   - A LibriSpeech folder: SPEAKER/CHAPTER/SPEAKER-CHAPTER.trans.txt files
//     of "ID WORDS" lines beside ID.flac (or ID.wav, ID.mp3).
//
// Sources: Kaldi's data preparation documentation (kaldi-asr.org/doc/data_prep.html)
// and featbin/extract-segments.cc for the segments rules (END -1, a 0.5 s
// overshoot truncated, the channel field); the Common Voice dataset release
// layout (github.com/common-voice/cv-dataset); Panayotov et al., "LibriSpeech:
// an ASR corpus based on public domain audio books", ICASSP 2015.
//
// Errors: a malformed line is a *ParseError naming the file and line. The
// readers keep going past bad lines: they return every good utterance
// together with the problems found (a joined error of up to 20
// *ParseError values), so a caller may refuse the corpus (the trainer does)
// or use the rest and report the bad lines (`transcribe eval` does). A
// missing file gives the *fs.PathError of the os package, which names it.
// Nothing here panics on bad data. Utterance.Load runs wav.scp commands with
// "sh -c", as Kaldi does.
package corpus
