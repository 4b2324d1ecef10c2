package wasm

import (
	"encoding/json"
	"strings"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
)

// FormatOptions choose how Format writes a result: the CLI's flags of the
// same names. All are optional.
type FormatOptions struct {
	Name       string `json:"name,omitempty"`       // the input's name (json "file", tsv and trn ids); default: the result's "file"
	Timestamps bool   `json:"timestamps,omitempty"` // txt: cues with times; tsv: words with times
	NBest      int    `json:"nbest,omitempty"`      // txt: the n-best list
}

// Format writes a result, given as the JSON that Transcribe returns, as a
// complete file in format ("txt", "json", "srt", "vtt", "tsv" or "trn") with
// package transcript's writers, the CLI's own: the page's downloads are
// what `transcribe --format FORMAT` prints for the same audio. options is
// FormatOptions as JSON ("" for none). A result that does not parse, an
// unknown option key or an unknown format is a CodeOptions error.
//
// The JSON's times are rounded to milliseconds, so a cue boundary that
// rests on a difference finer than that may fall where the CLI, which
// formats the unrounded result, does not put it.
func Format(result, format, options string) (out []byte, err error) {
	defer catch(&err)
	var fo FormatOptions
	if s := strings.TrimSpace(options); s != "" && s != "null" {
		d := json.NewDecoder(strings.NewReader(s))
		d.DisallowUnknownFields()
		if err := d.Decode(&fo); err != nil {
			return nil, errorf(CodeOptions, "format options: %v", err)
		}
	}
	var rec struct {
		asr.Result
		File *string `json:"file"`
	}
	d := json.NewDecoder(strings.NewReader(result))
	if err := d.Decode(&rec); err != nil {
		return nil, errorf(CodeOptions, "format: the result is not a transcription's JSON: %v", err)
	}
	if fo.Name == "" && rec.File != nil {
		fo.Name = *rec.File
	}
	b, err := transcript.Format(format, &rec.Result, transcript.Options{Name: fo.Name, Timestamps: fo.Timestamps, NBest: fo.NBest})
	if err != nil {
		return nil, errorf(CodeOptions, "format: %v", err)
	}
	return b, nil
}
