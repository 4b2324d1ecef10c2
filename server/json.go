package server

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"github.com/ecoute/ecoute/asr"
)

// DefaultNBest is the length of the n-best list when the request does not
// say, as in "transcribe --format json".
const DefaultNBest = 3

// marshalResult encodes r in the layout of "transcribe --format json"
// (cmd/transcribe/output.go, also wasm.MarshalResult): the input's name as
// "file", "words" always present, times, confidences and scores rounded to 3
// decimals (finer digits are noise, and differ between CPUs).
func marshalResult(r *asr.Result, name string) []byte {
	type word struct {
		Word       string `json:"word"`
		Start      ms     `json:"start"`
		End        ms     `json:"end"`
		Confidence ms     `json:"confidence"`
	}
	type hyp struct {
		Text          string `json:"text"`
		Score         ms     `json:"score"`
		AcousticScore ms     `json:"acoustic_score"`
		LMScore       ms     `json:"lm_score"`
	}
	rec := struct {
		File           string `json:"file"`
		Text           string `json:"text"`
		Words          []word `json:"words"`
		NBest          []hyp  `json:"nbest,omitempty"`
		Duration       ms     `json:"duration"`
		ProcessingTime ms     `json:"processing_time"`
	}{File: name, Text: r.Text, Words: []word{}, Duration: ms(r.Duration), ProcessingTime: ms(r.ProcessingTime)}
	for _, w := range r.Words {
		rec.Words = append(rec.Words, word{w.Word, ms(w.Start), ms(w.End), ms(w.Confidence)})
	}
	for _, h := range r.NBest {
		rec.NBest = append(rec.NBest, hyp{h.Text, ms(h.Score), ms(h.AcousticScore), ms(h.LMScore)})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(rec) // cannot fail: plain strings and numbers
	return b.Bytes()
}

// ms is a value rounded to 3 decimals in JSON (milliseconds for times).
type ms float64

func (x ms) MarshalJSON() ([]byte, error) {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	r := math.Round(v*1000) / 1000
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.AppendFloat(nil, r, 'f', -1, 64), nil
}
