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
		Duration: round3(r.Duration), ProcessingTime: round3(r.ProcessingTime)}
	for _, w := range r.Words {
		rec.Words = append(rec.Words, jsonWord{w.Word, round3(w.Start), round3(w.End), round3(w.Confidence)})
	}
	for _, h := range r.NBest {
		rec.NBest = append(rec.NBest, jsonHyp{h.Text, round3(h.Score), round3(h.AcousticScore), round3(h.LMScore)})
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

// round3 is a number written by Round3 in JSON, null when not finite.
type round3 float64

func (x round3) MarshalJSON() ([]byte, error) {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, Round3(v), 'f', -1, 64), nil
}

type jsonWord struct {
	Word       string `json:"word"`
	Start      round3 `json:"start"`
	End        round3 `json:"end"`
	Confidence round3 `json:"confidence"`
}

type jsonHyp struct {
	Text          string `json:"text"`
	Score         round3 `json:"score"`
	AcousticScore round3 `json:"acoustic_score"`
	LMScore       round3 `json:"lm_score"`
}

type jsonRecord struct {
	File           string     `json:"file"`
	Text           string     `json:"text"`
	Words          []jsonWord `json:"words"`
	NBest          []jsonHyp  `json:"nbest,omitempty"`
	Duration       round3     `json:"duration"`
	ProcessingTime round3     `json:"processing_time"`
}
