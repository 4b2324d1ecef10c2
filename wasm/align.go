package wasm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
)

// Error codes of Align: the text cannot be aligned to the audio.
const (
	CodeEmptyText   = "empty-text"    // the text has no word the model can spell (asr.ErrEmptyText)
	CodeNoSpeech    = "no-speech"     // the audio holds no speech (asr.ErrNoSpeech)
	CodeTextTooLong = "text-too-long" // the text needs more audio than there is (asr.ErrTextTooLong)
)

// AlignMaxTextBytes bounds the text of one alignment, as the server's
// /v1/align bounds its text field: about 170,000 words.
const AlignMaxTextBytes = 1 << 20

// AlignOptions choose the file Align writes: the flags of `transcribe
// align` of the same meaning, as JSON. All are optional; an absent limit
// keeps transcript.DefaultCueOptions'.
type AlignOptions struct {
	Format string `json:"format,omitempty"` // "srt" (default), "vtt", "json" or "textgrid"
	Name   string `json:"name,omitempty"`   // json's "file" (the CLI's AUDIO argument)
	// The subtitle limits are the JSON names of transcript.CueLimits:
	// maxChars, maxLines (1 to 1000), maxSeconds, minPause (seconds, more
	// than 0 and at most 3600), as --max-chars etc. of the CLI.
}

// ParseAlignOptions decodes AlignOptions and the subtitle limits from JSON
// ("" and "null" mean defaults) and checks them with transcript's
// CueOptions.Set, as the server's /v1/align and the CLI do; an unknown key
// or a value out of range is a CodeOptions error.
func ParseAlignOptions(s string) (o AlignOptions, cues transcript.CueOptions, err error) {
	cues = transcript.DefaultCueOptions
	if s = strings.TrimSpace(s); s != "" && s != "null" {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			return o, cues, errorf(CodeOptions, "align options: %v", err)
		}
		for k, v := range raw {
			switch k {
			case "format":
				err = json.Unmarshal(v, &o.Format)
			case "name":
				err = json.Unmarshal(v, &o.Name)
			default:
				if l, ok := transcript.LookupCueLimit(k); !ok || l.JSON != k {
					return o, cues, errorf(CodeOptions, "align options: unknown key %q", k)
				}
				err = cues.Set(k, string(v))
			}
			if err != nil {
				return o, cues, errorf(CodeOptions, "align options: %v", err)
			}
		}
	}
	if o.Format == "" {
		o.Format = transcript.AlignFormats[0]
	}
	if !transcript.KnownAlign(o.Format) {
		return o, cues, errorf(CodeOptions, "align options: unknown format %q; want one of %s", o.Format, strings.Join(transcript.AlignFormats, ", "))
	}
	return o, cues, nil
}

// Align finds where each word of text is spoken in a, as `transcribe
// align` does for a file: decode, then asr.Recognizer.Align with the
// recognizer's default options. The alignment's own failures come back with
// CodeEmptyText, CodeNoSpeech and CodeTextTooLong.
func (e *Engine) Align(a Audio, text string) (res *asr.Alignment, err error) {
	defer catch(&err)
	m, err := e.loaded()
	if err != nil {
		return nil, err
	}
	if len(text) > AlignMaxTextBytes {
		return nil, errorf(CodeTextTooLong, "the text is %s; this page aligns texts up to %s", byteSize(int64(len(text))), byteSize(AlignMaxTextBytes))
	}
	p, _, err := e.decode(a)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	res, err = asr.NewRecognizer(m, asr.DefaultOptions()).Align(p, text, asr.AlignOptions{})
	var ae *asr.AlignError
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, asr.ErrEmptyText):
		return nil, errorf(CodeEmptyText, "the text has no words the model can spell")
	case errors.Is(err, asr.ErrNoSpeech):
		return nil, errorf(CodeNoSpeech, "there is no speech in the audio")
	case errors.As(err, &ae):
		return nil, errorf(CodeTextTooLong, "the text needs at least %.1f s of speech and the audio has %.1f s: is it the text of this recording?", ae.Needed, ae.Have)
	case errors.Is(err, asr.ErrTextTooLong):
		return nil, errorf(CodeTextTooLong, "%v", err)
	}
	return nil, fmt.Errorf("align: %w", err)
}

// AlignFile is Align with its result written as a file by
// transcript.FormatAlignment, the writer of `transcribe align --format F`
// and of the server's /v1/align: options is AlignOptions as JSON.
func (e *Engine) AlignFile(a Audio, text, options string) (out []byte, err error) {
	defer catch(&err)
	o, cues, err := ParseAlignOptions(options)
	if err != nil {
		return nil, err
	}
	res, err := e.Align(a, text)
	if err != nil {
		return nil, err
	}
	b, err := transcript.FormatAlignment(o.Format, o.Name, res, cues)
	if err != nil {
		return nil, errorf(CodeOptions, "align: %v", err)
	}
	return b, nil
}
