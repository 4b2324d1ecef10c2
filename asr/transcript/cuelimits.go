package transcript

import (
	"fmt"
	"math"
	"strconv"
)

// A CueLimit is one of the subtitle limits of CueOptions as every front
// door names and checks it: `transcribe align --max-chars`, /v1/align's
// max_chars field, the page's maxChars option. CueLimits is the one table
// of them; CueOptions.Set parses and range-checks a value.
type CueLimit struct {
	Flag, Form, JSON string  // --flag, form or query field, JSON key
	Help             string  // for the CLI; a `NAME` in it names the value
	Int              bool    // a whole number from Min to Max; else seconds, more than Min and at most Max
	Min, Max         float64 // the accepted range
	field            func(*CueOptions) any
}

// CueLimits are the subtitle limits, in the order of CueOptions.
var CueLimits = []CueLimit{
	{Flag: "max-chars", Form: "max_chars", JSON: "maxChars", Help: "subtitles: at most `N` characters per line",
		Int: true, Min: 1, Max: 1000, field: func(o *CueOptions) any { return &o.MaxLineChars }},
	{Flag: "max-lines", Form: "max_lines", JSON: "maxLines", Help: "subtitles: at most `N` lines per cue",
		Int: true, Min: 1, Max: 1000, field: func(o *CueOptions) any { return &o.MaxLines }},
	{Flag: "max-seconds", Form: "max_seconds", JSON: "maxSeconds", Help: "subtitles: a cue stays on screen at most `SECONDS`",
		Min: 0, Max: 3600, field: func(o *CueOptions) any { return &o.MaxDuration }},
	{Flag: "min-pause", Form: "min_pause", JSON: "minPause", Help: "subtitles: a pause of `SECONDS` always ends a cue",
		Min: 0, Max: 3600, field: func(o *CueOptions) any { return &o.MinPause }},
}

// A CueLimitError is a subtitle limit that is not a number in its range.
type CueLimitError struct {
	Name, Value string // as given
	Limit       *CueLimit
}

func (e *CueLimitError) Error() string {
	if e.Limit == nil {
		return fmt.Sprintf("unknown subtitle limit %q", e.Name)
	}
	if e.Limit.Int {
		return fmt.Sprintf("%s=%q: want a whole number from %g to %g", e.Name, e.Value, e.Limit.Min, e.Limit.Max)
	}
	return fmt.Sprintf("%s=%q: want seconds, more than %g and at most %g", e.Name, e.Value, e.Limit.Min, e.Limit.Max)
}

// LookupCueLimit returns the limit called name (its Flag, Form or JSON name).
func LookupCueLimit(name string) (*CueLimit, bool) {
	for i := range CueLimits {
		if l := &CueLimits[i]; l.Flag == name || l.Form == name || l.JSON == name {
			return l, true
		}
	}
	return nil, false
}

// Set parses value into the limit called name (any of its names), or
// returns a *CueLimitError naming it as given.
func (o *CueOptions) Set(name, value string) error {
	l, ok := LookupCueLimit(name)
	if !ok {
		return &CueLimitError{Name: name, Value: value}
	}
	bad := &CueLimitError{Name: name, Value: value, Limit: l}
	if l.Int {
		n, err := strconv.Atoi(value)
		if err != nil || float64(n) < l.Min || float64(n) > l.Max {
			return bad
		}
		*l.field(o).(*int) = n
		return nil
	}
	x, err := strconv.ParseFloat(value, 64)
	if err != nil || math.IsNaN(x) || !(x > l.Min && x <= l.Max) {
		return bad
	}
	*l.field(o).(*float64) = x
	return nil
}

// Value returns the limit's value in o, as text.
func (l *CueLimit) Value(o *CueOptions) string {
	switch p := l.field(o).(type) {
	case *int:
		return strconv.Itoa(*p)
	default:
		return strconv.FormatFloat(*p.(*float64), 'g', -1, 64)
	}
}
