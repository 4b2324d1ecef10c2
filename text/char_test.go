package text

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCharTokenizerDefault(t *testing.T) {
	tok := NewCharTokenizer("")
	if tok.Size() != 29 || tok.Blank() != 0 || tok.Unknown() != -1 {
		t.Fatalf("size %d blank %d unknown %d", tok.Size(), tok.Blank(), tok.Unknown())
	}
	if tok.Piece(0) != BlankSymbol || tok.Piece(1) != " " || tok.Piece(2) != "'" || tok.Piece(3) != "a" || tok.Piece(28) != "z" {
		t.Fatalf("vocab %q", tok.Vocab())
	}
	ids, err := tok.Encode("don't go")
	if err != nil {
		t.Fatal(err)
	}
	want := []int{6, 17, 16, 2, 22, 1, 9, 17}
	if !reflect.DeepEqual(ids, want) {
		t.Fatalf("Encode = %v, want %v", ids, want)
	}
	if got := tok.Decode(append([]int{0}, append(ids, 0)...)); got != "don't go" {
		t.Fatalf("Decode = %q", got)
	}
}

func TestCharTokenizerUnknown(t *testing.T) {
	tok := NewCharTokenizer("")
	_, err := tok.Encode("ab Cd")
	var ue *UnknownError
	if !errors.As(err, &ue) || ue.Char != 'C' || ue.Offset != 3 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), `'C'`) {
		t.Fatalf("message does not name the character: %v", err)
	}
	_, err = tok.Encode("caf\u00e9")
	if !errors.As(err, &ue) || ue.Char != 'é' || ue.Offset != 3 {
		t.Fatalf("err = %v", err)
	}
	_, err = tok.Encode("a\xffb")
	if !errors.As(err, &ue) || ue.Offset != 1 {
		t.Fatalf("invalid UTF-8: err = %v", err)
	}
	tok.SkipUnknown = true
	ids, err := tok.Encode("ab Cdé!")
	if err != nil || tok.Decode(ids) != "ab d" {
		t.Fatalf("SkipUnknown: %v %v", ids, err)
	}
}

func TestCharTokenizerCustom(t *testing.T) {
	tok := NewCharTokenizer("αβ γ|")
	ids, err := tok.Encode("γα β|")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ids, []int{4, 1, 3, 2, 5}) {
		t.Fatalf("ids %v", ids)
	}
	if tok.Alphabet() != "αβ γ|" {
		t.Fatalf("Alphabet %q", tok.Alphabet())
	}
}

func TestCharTokenizerPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on repeated character")
		}
	}()
	NewCharTokenizer("abca")
}

func TestCharVocabRoundTrip(t *testing.T) {
	for _, alpha := range []string{"", "ab\tc\\d\ne\r", "<>é漢 "} {
		tok := NewCharTokenizer(alpha)
		var buf bytes.Buffer
		if err := tok.WriteVocab(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := ReadCharVocab(&buf)
		if err != nil {
			t.Fatalf("%q: %v\n%s", alpha, err, buf.String())
		}
		if !reflect.DeepEqual(back.Vocab(), tok.Vocab()) {
			t.Fatalf("%q: vocab %q, want %q", alpha, back.Vocab(), tok.Vocab())
		}
	}
	var buf bytes.Buffer
	NewCharTokenizer("").WriteVocab(&buf)
	if !strings.HasPrefix(buf.String(), "<blank>\n<space>\n'\na\nb\n") {
		t.Fatalf("file:\n%s", buf.String())
	}
}

func TestReadCharVocabErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"", "empty file"},
		{"a\nb\n", "line 1"},
		{"<blank>\n", "no characters"},
		{"<blank>\na\nb\na\n", "line 4: character 'a' repeats line 2"},
		{"<blank>\nab\n", "line 2"},
		{"<blank>\na\n\xff\n", "line 3: invalid UTF-8"},
		{"<blank>\n\\q\n", "line 2"},
		{"<blank>\n\n", "line 2"},
	}
	for _, tt := range tests {
		_, err := ReadCharVocab(strings.NewReader(tt.in))
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ReadCharVocab(%q) = %v, want error containing %q", tt.in, err, tt.msg)
		}
	}
}

func FuzzCharTokenizer(f *testing.F) {
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	tok := NewCharTokenizer("")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		ids, err := tok.Encode(n)
		if err != nil {
			// Only letters outside a..z may fail.
			var ue *UnknownError
			if !errors.As(err, &ue) || ue.Char < 128 {
				t.Fatalf("Encode(%q): %v", n, err)
			}
			return
		}
		if back := tok.Decode(ids); back != n {
			t.Fatalf("round trip %q -> %v -> %q", n, ids, back)
		}
	})
}

func FuzzReadCharVocab(f *testing.F) {
	f.Add("<blank>\n<space>\n'\na\n")
	f.Add("<blank>\na\\tb\n")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ReadCharVocab(strings.NewReader(s))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		tok.WriteVocab(&buf)
		back, err := ReadCharVocab(&buf)
		if err != nil || !reflect.DeepEqual(back.Vocab(), tok.Vocab()) {
			t.Fatalf("rewrite of %q failed: %v", s, err)
		}
	})
}
