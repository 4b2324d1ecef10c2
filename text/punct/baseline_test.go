package punct

import (
	"slices"
	"strings"
	"testing"
)

// TestBaseline: the hidden-event model restores marks and case that its
// training text makes near certain.
func TestBaseline(t *testing.T) {
	var train [][]Token
	for range 50 {
		train = append(train, Parse("Hello, world. How are you? I am fine, thanks. We met Paris today. Are you well? Yes, very well."))
	}
	b, err := BuildBaseline(train, 3)
	if err != nil {
		t.Fatal(err)
	}
	for e := Comma; e < numPunct; e++ {
		if b.ev[e] < 0 {
			t.Fatalf("event %s not in the LM", eventTokens[e])
		}
	}
	ref := Parse("How are you? I am fine, thanks. We met Paris today.")
	words := make([]string, len(ref))
	for i, tk := range ref {
		words[i] = tk.Word
	}
	ps, cs := b.Tag(words)
	var got []Token
	for i, w := range words {
		got = append(got, Token{w, ps[i], cs[i]})
	}
	if !slices.Equal(got, ref) {
		t.Errorf("baseline: got %q, want %q", Render(got), Render(ref))
	}
	if p, c := b.Tag(nil); len(p) != 0 || len(c) != 0 {
		t.Error("no words should give no tags")
	}
	// Unknown words and any Unicode are accepted.
	ps, _ = b.Tag(strings.Fields("zzz ünïcödé \xff 日本"))
	if len(ps) != 4 {
		t.Errorf("%d tags for 4 words", len(ps))
	}
}
