package wer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAlignSmall(t *testing.T) {
	tests := []struct {
		ref, hyp string
		ops      string
	}{
		{"", "", ""},
		{"a", "", "D"},
		{"", "a", "I"},
		{"a", "a", "C"},
		{"a", "b", "S"},
		{"a b c", "x", "DDS"}, // sclite prefers the late substitution
		{"the cat sat on the mat", "the cat sat on mat", "CCCCDC"},
		{"hello world", "hello big world", "CIC"},
		{"a b", "b a", "DCI"}, // cost 6 beats two substitutions (8)
	}
	for _, tt := range tests {
		al := Align(strings.Fields(tt.ref), strings.Fields(tt.hyp))
		if got := opsString(al.Ops); got != tt.ops {
			t.Errorf("Align(%q, %q) = %s, want %s", tt.ref, tt.hyp, got, tt.ops)
		}
	}
}

// TestAlignMinimal checks against a plain edit-distance table: the
// alignment cost is minimal under sclite's weights, and the positions
// walk both sequences in order.
func TestAlignMinimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for it := 0; it < 2000; it++ {
		gen := func() []string {
			w := make([]string, rng.IntN(9))
			for i := range w {
				w[i] = string(rune('a' + rng.IntN(3)))
			}
			return w
		}
		ref, hyp := gen(), gen()
		al := Align(ref, hyp)
		cost := 0
		i, j := 0, 0
		for k, op := range al.Ops {
			switch op {
			case Correct, Sub:
				if al.RefPos[k] != i || al.HypPos[k] != j || (ref[i] == hyp[j]) != (op == Correct) {
					t.Fatalf("bad step %d of %v %v: %v", k, ref, hyp, al)
				}
				if op == Sub {
					cost += 4
				}
				i, j = i+1, j+1
			case Del:
				if al.RefPos[k] != i || al.HypPos[k] != -1 {
					t.Fatalf("bad del")
				}
				cost += 3
				i++
			case Ins:
				if al.HypPos[k] != j || al.RefPos[k] != -1 {
					t.Fatalf("bad ins")
				}
				cost += 3
				j++
			}
		}
		if i != len(ref) || j != len(hyp) {
			t.Fatalf("alignment does not cover the input")
		}
		if want := editCost(ref, hyp); cost != want {
			t.Fatalf("%v %v: cost %d, minimum %d", ref, hyp, cost, want)
		}
	}
}

func editCost(a, b []string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = 3 * i
	}
	for j := range d[0] {
		d[0][j] = 3 * j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			s := d[i-1][j-1]
			if a[i-1] != b[j-1] {
				s += 4
			}
			d[i][j] = min(s, d[i-1][j]+3, d[i][j-1]+3)
		}
	}
	return d[len(a)][len(b)]
}

func TestTokensChars(t *testing.T) {
	got := Tokens(" ab c\té ", true)
	if strings.Join(got, "|") != "a|b|c|é" {
		t.Fatalf("Tokens = %q", got)
	}
}

func TestReadTranscripts(t *testing.T) {
	tests := []struct {
		in   string
		f    Format
		want string // id=text;...
	}{
		{"a\thello world\nb\t\n", TSV, "a=hello world;b=;"},
		{"a hello  world\nb\n", Kaldi, "a=hello world;b=;"},
		{"a\thello world\r\n", Kaldi, "a=hello world;"},
		{"hello world (a)\n (b)\n", TRN, "a=hello world;b=;"},
		{"\uFEFFhello (x)", Auto, "x=hello;"},
		{"x\ty z\n", Auto, "x=y z;"},
		{"x y z\n", Auto, "x=y z;"},
		{"so (it is) (x)\n", TRN, "x=so (it is);"},
	}
	for _, tt := range tests {
		tr, err := ReadTranscripts(strings.NewReader(tt.in), "in", tt.f)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		var b strings.Builder
		for _, x := range tr {
			fmt.Fprintf(&b, "%s=%s;", x.ID, x.Text)
		}
		if b.String() != tt.want {
			t.Errorf("%q (%v): got %s, want %s", tt.in, tt.f, b.String(), tt.want)
		}
	}
}

func TestReadTranscriptsErrors(t *testing.T) {
	long := strings.Repeat("x", MaxLineBytes+10)
	tests := []struct {
		in   string
		f    Format
		msgs []string
	}{
		{"a\tx\n\nb\ty\n", TSV, []string{"in:2: empty line"}},
		{"a\tx\na\ty\n", TSV, []string{`in:2: id "a" repeats line 1`}},
		{"a\tx\nb y\n", TSV, []string{"in:2: no tab"}},
		{"a\t\xff\n", TSV, []string{"in:1: invalid UTF-8 at byte 2"}},
		{"x (a)\ny\n", TRN, []string{`in:2: no "(id)"`}},
		{"x ()\n", TRN, []string{"in:1: empty id"}},
		{"\tx\n", TSV, []string{"in:1: empty id"}},
		{"a x\n" + long + "\nb y\n", Kaldi, []string{"in:2: line longer than"}},
		{"a\tx\n \nb\t\xfe\nb\tz\nb\tw\n", TSV, []string{"in:2: empty line", "in:3: invalid UTF-8", `in:5: id "b" repeats line 4`}},
	}
	for _, tt := range tests {
		tr, err := ReadTranscripts(strings.NewReader(tt.in), "in", tt.f)
		if err == nil {
			t.Errorf("%.40q: no error", tt.in)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%.40q: error %T is not a *ParseError", tt.in, err)
		}
		for _, m := range tt.msgs {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%.40q: error %q does not contain %q", tt.in, err, m)
			}
		}
		_ = tr
	}
}

func TestScoreReport(t *testing.T) {
	refs := []Transcript{{ID: "spk1_u1", Text: "the cat sat on the mat"}, {ID: "spk1_u2", Text: "hello world"},
		{ID: "spk2-u3", Text: "a b c"}, {ID: "spk2-u4", Text: ""}, {ID: "spk3_u5", Text: "Hello There"}, {ID: "spk3_u6", Text: "gone missing"}}
	hyps := []Transcript{{ID: "spk1_u1", Text: "the cat sat on mat"}, {ID: "spk1_u2", Text: "hello big world"},
		{ID: "spk2-u3", Text: "x"}, {ID: "spk2-u4", Text: "extra words"}, {ID: "spk3_u5", Text: "hello there"}, {ID: "zzz", Text: "stray"}}
	r := Score(refs, hyps, Options{})
	// Numbers checked by hand against sclite -i rm on the same input
	// (spk3_u6 aside): 13 words, C 9 S 1 D 3 I 3.
	want := Counts{Correct: 9, Sub: 1, Del: 3 + 2, Ins: 3}
	if r.Total.Counts != want || r.Total.Utterances != 6 || r.Total.SentErrors != 5 {
		t.Fatalf("total %+v", r.Total)
	}
	if strings.Join(r.MissingHyp, ",") != "spk3_u6" || strings.Join(r.ExtraHyp, ",") != "zzz" {
		t.Fatalf("missing %v extra %v", r.MissingHyp, r.ExtraHyp)
	}
	if len(r.Speakers) != 3 || r.Speakers[0].Name != "spk1" || r.Speakers[2].Counts.Del != 2 {
		t.Fatalf("speakers %+v", r.Speakers)
	}
	if math.Abs(r.Total.ErrorRate()-9.0/15) > 1e-12 {
		t.Fatalf("WER %v", r.Total.ErrorRate())
	}
	var text bytes.Buffer
	if err := r.WriteText(&text, true); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.txt", text.Bytes())
	var js bytes.Buffer
	if err := r.WriteJSON(&js, true); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.json", js.Bytes())
}

var update = os.Getenv("UPDATE_GOLDEN") != ""

// checkGolden compares with testdata/wer/NAME; UPDATE_GOLDEN=1 rewrites it.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "wer", name)
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestScoreNormalizeCase(t *testing.T) {
	r := ScoreMaps(map[string]string{"u": "Hello World"}, map[string]string{"u": "hello world"}, Options{CaseSensitive: true})
	if r.Total.Sub != 2 {
		t.Fatalf("case-sensitive: %+v", r.Total)
	}
	r = ScoreMaps(map[string]string{"u": "Hello, World!"}, map[string]string{"u": "hello world"},
		Options{Normalize: func(s string) string { return strings.Trim(strings.ReplaceAll(s, ",", ""), "!") }})
	if r.Total.Errors() != 0 {
		t.Fatalf("normalized: %+v", r.Total)
	}
}

func FuzzReadTranscripts(f *testing.F) {
	f.Add("a\thello\n", 0)
	f.Add("hello (a)\n", 3)
	f.Add("a b c\nb\n", 2)
	f.Fuzz(func(t *testing.T, in string, fm int) {
		f := Format(uint(fm) % 4)
		tr, err := ReadTranscripts(strings.NewReader(in), "fuzz", f)
		seen := map[string]bool{}
		for _, x := range tr {
			if x.ID == "" || seen[x.ID] || strings.ContainsAny(x.Text, "\n\r") {
				t.Fatalf("bad transcript %+v", x)
			}
			seen[x.ID] = true
		}
		if err == nil {
			// Every non-empty line became a transcript.
			n := 0
			for _, l := range strings.Split(in, "\n") {
				if l != "" {
					n++
				}
			}
			if n != len(tr) {
				t.Fatalf("%d lines, %d transcripts, no error", n, len(tr))
			}
		}
	})
}

// BenchmarkScore scores 100,000 utterance pairs of about 20 words
// (random edits), the size of a large test set.
func BenchmarkScore(b *testing.B) {
	for _, unit := range []string{"word", "char"} {
		b.Run("pairs=100000/unit="+unit, func(b *testing.B) {
			refs, hyps := benchPairs(100000)
			b.ResetTimer()
			for b.Loop() {
				Score(refs, hyps, Options{Chars: unit == "char"})
			}
		})
	}
}

func benchPairs(n int) (refs, hyps []Transcript) {
	rng := rand.New(rand.NewPCG(3, 4))
	vocab := strings.Fields("the of and to a in that is was he for it with as his on be at by i this had not are but from or have an they which one you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people mr how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three")
	for i := 0; i < n; i++ {
		w := make([]string, 10+rng.IntN(20))
		for k := range w {
			w[k] = vocab[rng.IntN(len(vocab))]
		}
		h := append([]string(nil), w...)
		for e := rng.IntN(5); e > 0; e-- {
			k := rng.IntN(len(h))
			switch rng.IntN(3) {
			case 0:
				h[k] = vocab[rng.IntN(len(vocab))]
			case 1:
				h = append(h[:k], h[k+1:]...)
			default:
				h = append(h[:k], append([]string{vocab[rng.IntN(len(vocab))]}, h[k:]...)...)
			}
		}
		id := fmt.Sprintf("s%d_u%d", i%50, i)
		refs = append(refs, Transcript{ID: id, Text: strings.Join(w, " ")})
		hyps = append(hyps, Transcript{ID: id, Text: strings.Join(h, " ")})
	}
	return refs, hyps
}
