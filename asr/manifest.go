package asr

import "github.com/ecoute/ecoute/asr/corpus"

// An Utterance is one labelled stretch of audio: a file, a command's output
// or a time range of one (Kaldi segments), its transcript and its speaker.
// Its Load method decodes and cuts the audio; see package corpus.
type Utterance = corpus.Utterance

// ReadManifest reads the training or evaluation corpus at path with
// corpus.Read: a TSV manifest (path<TAB>transcript[<TAB>voice], with or
// without a header row), a Common Voice split (train.tsv, dev.tsv, ...), a
// Kaldi data folder (wav.scp, text, segments, utt2spk) or a LibriSpeech
// folder. Relative paths are relative to the manifest's folder. Bad lines
// are reported as *corpus.ParseError values naming the file and line; the
// good utterances come back with them.
func ReadManifest(path string) ([]Utterance, error) {
	us, _, err := corpus.Read(path)
	return us, err
}
