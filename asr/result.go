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

// Hypothesis is one entry of an n-best list. Score = AcousticScore +
// Alpha*LMScore + Beta*words (natural-log units for the acoustic part,
// LMScore in log10 as ARPA files use).
type Hypothesis struct {
	Text          string  `json:"text"`
	Score         float64 `json:"score"`
	AcousticScore float64 `json:"acoustic_score"`
	LMScore       float64 `json:"lm_score"`
}

// Hotword is a word whose score is raised by Boost (log units) during beam
// search, for names and rare terms the LM does not know.
type Hotword struct {
	Word  string  `json:"word"`
	Boost float64 `json:"boost"`
}
