package asr

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// JSONNBest is the length of the n-best list that `transcribe --format json`
// and the HTTP server ask the recognizer for when not told otherwise.
const JSONNBest = DefaultNBest

// AppendJSON appends r to dst as one JSON object, exactly as `transcribe
// --format json` prints it for one input (without the newline that ends the
// line), and returns the extended slice:
//
//	{"file":FILE,"text":TEXT,
//	 "words":[{"word","start","end","confidence"}, ...],
//	 "nbest":[{"text","score","acoustic_score","lm_score"}, ...],
//	 "duration":SECONDS,"processing_time":SECONDS}
//
// file is the input's name. "words" is always present (possibly []),
// "nbest" only when r has an n-best list. Times, confidences and scores are
// rounded to 3 decimals by Round3 (finer digits are noise, and they differ
// between CPUs); NaN and infinities become null. Strings are escaped as
// encoding/json does, except that <, > and & are left alone.
//
// The CLI, the WebAssembly engine and the HTTP server all call it, so their
// outputs are byte for byte the same.
func AppendJSON(dst []byte, r *Result, file string) []byte {
	rec := jsonRecord{File: file, Text: r.Text, Words: make([]jsonWord, 0, len(r.Words)),
		Duration: Rounded(r.Duration), ProcessingTime: Rounded(r.ProcessingTime)}
	for _, w := range r.Words {
		rec.Words = append(rec.Words, jsonWord{w.Word, Rounded(w.Start), Rounded(w.End), Rounded(w.Confidence)})
	}
	for _, h := range r.NBest {
		rec.NBest = append(rec.NBest, jsonHyp{h.Text, Rounded(h.Score), Rounded(h.AcousticScore), Rounded(h.LMScore)})
	}
	b := bytes.NewBuffer(dst)
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		// Only strings and finite (or null) numbers: Encode cannot fail.
		panic("asr: AppendJSON: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// Round3 returns v rounded to 3 decimals (milliseconds for times in
// seconds), with -0 made 0: the precision of every number AppendJSON
// writes.
func Round3(v float64) float64 {
	r := math.Round(v*1000) / 1000
	if r == 0 {
		r = 0 // no "-0"
	}
	return r
}

// Rounded is a number that JSON encodes rounded by Round3, null when not
// finite: the numbers of AppendJSON, and of the CLI's other JSON outputs.
type Rounded float64

// MarshalJSON implements json.Marshaler.
func (x Rounded) MarshalJSON() ([]byte, error) {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, Round3(v), 'f', -1, 64), nil
}

type jsonWord struct {
	Word       string  `json:"word"`
	Start      Rounded `json:"start"`
	End        Rounded `json:"end"`
	Confidence Rounded `json:"confidence"`
}

type jsonHyp struct {
	Text          string  `json:"text"`
	Score         Rounded `json:"score"`
	AcousticScore Rounded `json:"acoustic_score"`
	LMScore       Rounded `json:"lm_score"`
}

type jsonRecord struct {
	File           string     `json:"file"`
	Text           string     `json:"text"`
	Words          []jsonWord `json:"words"`
	NBest          []jsonHyp  `json:"nbest,omitempty"`
	Duration       Rounded    `json:"duration"`
	ProcessingTime Rounded    `json:"processing_time"`
}
