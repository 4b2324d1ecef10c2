package text

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var spmModels = []string{"bpe", "unigram", "bytes"}

func readLines(t testing.TB, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func parseIDs(t testing.TB, s string) []int {
	var ids []int
	for _, f := range strings.Fields(s) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n)
	}
	return ids
}

func loadTestModel(t testing.TB, name string) *SentencePiece {
	m, err := LoadSentencePieceFile(filepath.Join("..", "testdata", "text", "spm_"+name+".model"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSentencePieceGolden encodes the lines of testdata/text/spm_lines.txt
// with three models trained by SentencePiece 0.1.97 (Debian
// python3-sentencepiece; testdata/gen/spm_golden.py) and compares with
// the ids and decodings SentencePiece itself produced.
func TestSentencePieceGolden(t *testing.T) {
	dir := filepath.Join("..", "testdata", "text")
	lines := readLines(t, filepath.Join(dir, "spm_lines.txt"))
	for _, name := range spmModels {
		t.Run(name, func(t *testing.T) {
			m := loadTestModel(t, name)
			want := readLines(t, filepath.Join(dir, "spm_"+name+".ids"))
			dec := readLines(t, filepath.Join(dir, "spm_"+name+".dec"))
			if len(want) != len(lines) || len(dec) != len(lines) {
				t.Fatalf("%d lines, %d id lines, %d decoded", len(lines), len(want), len(dec))
			}
			bad, badDec := 0, 0
			for i, l := range lines {
				got, err := m.Encode(l)
				if err != nil {
					t.Fatal(err)
				}
				w := parseIDs(t, want[i])
				if fmt.Sprint(got) != fmt.Sprint(w) {
					bad++
					if bad <= 5 {
						t.Errorf("line %d %q:\n got  %v\n want %v\n normalized %q", i+1, l, got, w, m.Normalize(l))
					}
				}
				if d := strings.ReplaceAll(m.Decode(w), "\n", `\n`); d != dec[i] {
					badDec++
					if badDec <= 5 {
						t.Errorf("line %d: Decode = %q, SentencePiece %q", i+1, d, dec[i])
					}
				}
			}
			if bad > 0 || badDec > 0 {
				t.Errorf("%s: %d of %d lines encode differently, %d decode differently", name, bad, len(lines), badDec)
			}
		})
	}
}

// TestSentencePieceLive encodes generated text (real words mixed with
// random Unicode, spaces and digits) with the committed models through
// Debian's python3-sentencepiece, when it is installed, and compares.
func TestSentencePieceLive(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import sentencepiece").Run(); err != nil {
		t.Skip("python3-sentencepiece not installed")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	words := strings.Fields("the of and to a in that is was he for it with as his on be at by this had not are but from or have an they which one you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people")
	extra := []rune("ÀéüñçØßæœ—–“”‘’…½²³ＡＢ１２ﬁﬂ日本語한국🎉\u00a0\u3000\t  0123456789$%&'-.,;:!?")
	var lines []string
	for i := 0; i < 500; i++ {
		var b strings.Builder
		for k := rng.IntN(20); k >= 0; k-- {
			if rng.IntN(4) == 0 {
				for j := rng.IntN(4); j >= 0; j-- {
					b.WriteRune(extra[rng.IntN(len(extra))])
				}
			} else {
				w := words[rng.IntN(len(words))]
				if rng.IntN(5) == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				b.WriteString(w)
			}
			if rng.IntN(6) != 0 {
				b.WriteByte(' ')
			}
		}
		lines = append(lines, b.String())
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range spmModels {
		model := filepath.Join("..", "testdata", "text", "spm_"+name+".model")
		script := `import sentencepiece as s, sys
sp = s.SentencePieceProcessor(model_file=sys.argv[1])
for l in open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]:
    print(" ".join(map(str, sp.encode(l))))`
		out, err := exec.Command(py, "-c", script, model, in).Output()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(want) != len(lines) {
			t.Fatalf("%s: %d results for %d lines", name, len(want), len(lines))
		}
		m := loadTestModel(t, name)
		bad := 0
		for i, l := range lines {
			got, _ := m.Encode(l)
			if fmt.Sprint(got) != fmt.Sprint(parseIDs(t, want[i])) {
				bad++
				if bad <= 3 {
					t.Errorf("%s: %q:\n got  %v\n want %s", name, l, got, want[i])
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d lines differ", name, bad, len(lines))
		}
	}
}
