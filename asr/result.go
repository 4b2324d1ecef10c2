package asr

// Result is what the recognizer heard in one audio input.
type Result struct {
	Text           string       `json:"text"`
	Words          []Word       `json:"words,omitempty"`
	NBest          []Hypothesis `json:"nbest,omitempty"`
	Duration       float64      `json:"duration"`        // seconds of audio
	ProcessingTime float64      `json:"processing_time"` // seconds spent
}

// Word is one recognized word with its time span in seconds from the start of
// the audio and a confidence in [0, 1].
type Word struct {
	Word       string  `json:"word"`
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
	Confidence float64 `json:"confidence"`
}

// Hypothesis is one entry of an n-best list, with the scores of the prefix
// beam search (ctc.Hypothesis), in natural-log units except LMScore:
//
//	Score = AcousticScore + Alpha*ln(10)*LMScore + Beta*words + boosts
//
// AcousticScore is ln p(labels | audio) summed over all CTC alignments,
// with BlankPenalty subtracted from the blank's log-probability at every
// frame. LMScore is the word LM's log10 probability of the text, </s>
// included (ARPA files are in log10; ln(10) converts). Beta is added once
// per word the LM scores, and boosts is the sum of the Boost of every
// hotword occurrence in the text. Greedy decoding (Beam 1) gives one
// hypothesis whose Score and AcousticScore are the best path's log
// probability and whose LMScore is 0.
type Hypothesis struct {
	Text          string  `json:"text"`
	Score         float64 `json:"score"`
	AcousticScore float64 `json:"acoustic_score"`
	LMScore       float64 `json:"lm_score"`
}

// Hotword is a word whose score is raised by Boost (natural-log units, added
// to a hypothesis once per occurrence of the word, in part while it is
// being spelled) during beam search, for names and rare terms the LM does
// not know.
type Hotword struct {
	Word  string  `json:"word"`
	Boost float64 `json:"boost"`
}

// Segment is a stretch of speech that the recognizer decoded on its own:
// long audio is cut at pauses (VADOptions), and each chunk with speech is one
// segment. Times are in seconds from the start of the audio; Words is empty
// unless Options.Timestamps is set.
type Segment struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Text  string  `json:"text"`
	Words []Word  `json:"words,omitempty"`
}
