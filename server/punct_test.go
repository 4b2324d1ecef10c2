package server

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
)

// TestPunctuateQuery: ?punctuate=true (a row of asr.OptionTable) gives the
// recognizer's result with the text/punct tagger applied, as the library
// does with Options.Punctuate.
func TestPunctuateQuery(t *testing.T) {
	wav, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Skip(err)
	}
	h := New(Config{Load: asr.Default})
	r := post(h, "/v1/transcribe?punctuate=true", "audio/wav", wav)
	if r.code != 200 {
		t.Fatalf("status %d: %s", r.code, r.body)
	}
	o := defaults()
	o.Punctuate = true
	sameResult(t, r.body, wantWith(t, asr.Default, wav, o))
	var res asr.Result
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Text == "" || !strings.ContainsAny(res.Text[len(res.Text)-1:], ".?") {
		t.Errorf("punctuated text %q does not end a sentence", res.Text)
	}
	if r := post(h, "/v1/transcribe?punctuate=maybe", "audio/wav", wav); r.code != 400 {
		t.Errorf("punctuate=maybe: status %d, want 400", r.code)
	}
}
