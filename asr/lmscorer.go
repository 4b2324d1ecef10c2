package asr

// lmScorer is filled in with text/lm once it lands.
type lmScorer interface{}
