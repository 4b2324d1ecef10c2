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

// Options controls decoding.
type Options struct {
	Beam    int     // prefix beam width; 0 or 1 decodes greedily
	UseLM   bool    // fuse the model's word n-gram LM (beam search only)
	Lexicon bool    // with UseLM: only words of the LM's vocabulary (and hotwords)
	Alpha   float64 // LM weight
	Beta    float64 // word insertion bonus
	// BlankPenalty is subtracted from the CTC blank's log-probability in
	// every frame before beam search (not greedy decoding): a positive value
	// makes labels cheaper, which counters the deletions a model makes on
	// speech unlike its training data. Hypothesis scores (Score,
	// AcousticScore) are then those of the penalized log-probabilities.
	BlankPenalty float64
	Hotwords     []Hotword // boosted words (beam search only)
	NBest        int       // hypotheses kept in Result.NBest (0: none)
	Timestamps   bool      // fill Result.Words (times and confidences)
	VAD          VADOptions
}

// DefaultOptions returns beam search of width 32 with the model's LM when it
// has one, restricted to the LM's words, a blank penalty of 1, and word
// timestamps. Alpha, Beta and BlankPenalty were chosen on one speaker half
// of speechocean762-dev with the default model and checked on the other
// half, the held-out voice and FSDD (see asr/default/README.md).
func DefaultOptions() Options {
	return Options{Beam: 32, UseLM: true, Lexicon: true, Alpha: 0.6, Beta: 1.0, BlankPenalty: 1.0, Timestamps: true, VAD: DefaultVADOptions()}
}
