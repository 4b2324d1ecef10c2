package transcript

import (
	"errors"
	"testing"
)

// TestCueOptionsSet: every name of every limit sets its field; values out
// of range, NaN and words are refused with a *CueLimitError naming the
// limit as given; unknown names are refused.
func TestCueOptionsSet(t *testing.T) {
	o := DefaultCueOptions
	for _, c := range []struct{ name, value string }{
		{"max-chars", "20"}, {"max_lines", "3"}, {"maxSeconds", "4.5"}, {"min_pause", "0.25"},
	} {
		if err := o.Set(c.name, c.value); err != nil {
			t.Fatalf("%s=%s: %v", c.name, c.value, err)
		}
	}
	if want := (CueOptions{MaxLineChars: 20, MaxLines: 3, MaxDuration: 4.5, MinPause: 0.25}); o != want {
		t.Errorf("set %+v, want %+v", o, want)
	}
	for _, c := range []struct{ name, value string }{
		{"max_chars", "0"}, {"maxChars", "1001"}, {"max-lines", "1.5"}, {"max-seconds", "0"},
		{"min_pause", "-1"}, {"minPause", "3601"}, {"max_seconds", "NaN"}, {"max-seconds", "long"},
	} {
		before := o
		err := o.Set(c.name, c.value)
		var le *CueLimitError
		if !errors.As(err, &le) || le.Name != c.name || le.Limit == nil {
			t.Errorf("%s=%s: error %v", c.name, c.value, err)
		}
		if o != before {
			t.Errorf("%s=%s changed the options", c.name, c.value)
		}
	}
	if err := o.Set("max_words", "3"); err == nil {
		t.Error("an unknown limit was accepted")
	}
	for i := range CueLimits {
		l := &CueLimits[i]
		if got, ok := LookupCueLimit(l.JSON); !ok || got != l || l.Value(&DefaultCueOptions) == "" {
			t.Errorf("limit %s", l.Flag)
		}
	}
}
