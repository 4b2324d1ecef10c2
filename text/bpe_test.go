package text

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestBPESmall(t *testing.T) {
	lines := []string{"low low low low low", "lower lower", "newest newest newest newest newest newest", "widest widest widest"}
	b := TrainBPE(lines, 30)
	if b.Size() > 30 || b.NumMerges() == 0 {
		t.Fatalf("size %d merges %d", b.Size(), b.NumMerges())
	}
	if b.Piece(0) != BlankSymbol || b.Piece(1) != UnkSymbol || b.Piece(2) != "▁" || b.Blank() != 0 || b.Unknown() != 1 {
		t.Fatalf("specials %q", b.Vocab()[:3])
	}
	ids, _ := b.Encode("newest low")
	var ps []string
	for _, id := range ids {
		ps = append(ps, b.Piece(id))
	}
	// The most frequent words become single pieces.
	if strings.Join(ps, " ") != "▁newest ▁low" {
		t.Errorf("pieces %q (vocab %q)", ps, b.Vocab())
	}
	if got := b.Decode(ids); got != "newest low" {
		t.Errorf("Decode = %q", got)
	}
	ids, _ = b.Encode("lowz")
	if got := b.Decode(ids); got != "low⁇" {
		t.Errorf("unknown: %v %q", ids, got)
	}
}

func corpusLines(t testing.TB, max int) []string {
	var out []string
	for _, f := range corpusFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if n := Normalize(l); n != "" {
				out = append(out, n)
			}
			if len(out) >= max {
				return out
			}
		}
	}
	return out
}

// TestBPECorpus trains on normalized real text and checks the target
// size, determinism, exact round trips and save/load.
func TestBPECorpus(t *testing.T) {
	lines := corpusLines(t, 8000)
	b := TrainBPE(lines, 500)
	if b.Size() != 500 {
		t.Fatalf("size %d, want 500", b.Size())
	}
	if b2 := TrainBPE(lines, 500); !reflect.DeepEqual(b.Vocab(), b2.Vocab()) {
		t.Fatal("training is not deterministic")
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	saved := buf.String()
	back, err := ReadBPE(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Vocab(), b.Vocab()) {
		t.Fatal("vocab changed by save/load")
	}
	tokens, chars := 0, 0
	for _, l := range lines {
		ids, _ := b.Encode(l)
		if got := b.Decode(ids); got != l {
			t.Fatalf("round trip %q -> %q", l, got)
		}
		ids2, _ := back.Encode(l)
		if fmt.Sprint(ids) != fmt.Sprint(ids2) {
			t.Fatalf("loaded model encodes %q differently", l)
		}
		tokens += len(ids)
		chars += len(l)
	}
	t.Logf("%d lines, %.2f characters per token, model file %d bytes", len(lines), float64(chars)/float64(tokens), len(saved))
}

func TestReadBPEErrors(t *testing.T) {
	h := bpeHeader + "\n<blank>\n<unk>\n▁\n"
	tests := []struct{ in, msg string }{
		{"", "truncated"},
		{"bad\n", "line 1: header"},
		{bpeHeader + "\n<blank>\nx\n", "line 3"},
		{h + "a\nb\na\n", "line 7: character \"a\" repeated"},
		{h + "a\nab\n", "line 6"},
		{h + "a\nb\na b\nc\n", "line 8: character line"},
		{h + "a\nb\na c\n", "line 7: merge \"a c\" joins unknown pieces"},
		{h + "a\nb\na b\na b\n", "line 8: merge \"a b\" repeated"},
		{h + "\xff\n", "invalid UTF-8"},
	}
	for _, tt := range tests {
		_, err := ReadBPE(strings.NewReader(tt.in))
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ReadBPE(%q) = %v, want %q", tt.in, err, tt.msg)
		}
	}
}

func FuzzBPERoundTrip(f *testing.F) {
	b := TrainBPE([]string{"the cat sat on the mat", "a theatre that thawed", "don't stop the music"}, 60)
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		ids, _ := b.Encode(n)
		for _, id := range ids {
			if id == b.Unknown() {
				return // characters never seen in training
			}
		}
		if got := b.Decode(ids); got != n {
			t.Fatalf("round trip %q -> %v -> %q", n, ids, got)
		}
	})
}

func FuzzReadBPE(f *testing.F) {
	var buf bytes.Buffer
	TrainBPE([]string{"the cat sat on the mat"}, 20).WriteTo(&buf)
	f.Add(buf.String())
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ReadBPE(strings.NewReader(s))
		if err != nil {
			return
		}
		b.Encode("the cat")
		var out bytes.Buffer
		b.WriteTo(&out)
		back, err := ReadBPE(&out)
		if err != nil || !reflect.DeepEqual(back.Vocab(), b.Vocab()) {
			t.Fatalf("rewrite failed: %v", err)
		}
	})
}

func FuzzSentencePiece(f *testing.F) {
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	var models []*SentencePiece
	for _, name := range spmModels {
		models = append(models, loadTestModel(f, name))
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range models {
			ids, err := m.Encode(s)
			if err != nil {
				t.Fatal(err)
			}
			m.Decode(ids)
		}
	})
}

func FuzzLoadSentencePiece(f *testing.F) {
	b, err := os.ReadFile("../testdata/text/spm_bytes.model")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:100])
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := LoadSentencePiece(data)
		if err != nil {
			return
		}
		ids, _ := m.Encode("Hello, world: 1908 café")
		m.Decode(ids)
	})
}
