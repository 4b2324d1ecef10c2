package lm

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Models compared with sphinxbase's sphinx_lm_eval. Each has a corpus, an
// order and pruning, and a set of test sentences.
type goldenModel struct {
	name      string
	tolWord   float64 // per-word tolerance in log base 1.0001 units
	order     int
	prune     []int
	corpus    func(t testing.TB) string
	sentences func(t testing.TB) []string
}

const sharedText = "../../../shared/data/text"

func smallCorpus(t testing.TB) string { return readCorpus(t) }

func smallSentences(t testing.TB) []string {
	b, err := os.ReadFile("../../testdata/lm/sentences.txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// normLine lower-cases a line and keeps letters and apostrophes as words.
func normLine(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	}), " ")
}

// bigCorpus is the State of the Union addresses, normalised, one line per
// non-empty source line.
func bigCorpus(t testing.TB) string {
	if testing.Short() {
		t.Skip("large corpus skipped in -short mode")
	}
	files, _ := filepath.Glob(filepath.Join(sharedText, "nltk-state_union", "*.txt"))
	if len(files) == 0 {
		t.Skip("shared text corpus absent")
	}
	sort.Strings(files)
	var sb strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if l := normLine(line); l != "" {
				sb.WriteString(l)
				sb.WriteByte('\n')
			}
		}
	}
	return sb.String()
}

func bigSentences(t testing.TB) []string {
	b, err := os.ReadFile(filepath.Join(sharedText, "harvard-sentences", "harvsents.txt"))
	if err != nil {
		t.Skip("shared text corpus absent")
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if l := normLine(line); l != "" && len(out) < 120 {
			out = append(out, l)
		}
	}
	return out
}

var goldenModels = []goldenModel{
	// Sphinx truncates each word's score to an integer: within 1 unit.
	{"small3", 1.001, 3, nil, smallCorpus, smallSentences},
	{"small4pruned", 1.001, 4, []int{0, 1, 1, 1}, smallCorpus, smallSentences},
	// With a few hundred thousand n-grams sphinxbase's trie stores the
	// higher orders' values quantized (binned), which moves some words
	// by tens of units (about 1e-3 in log10).
	{"big3", 100, 3, nil, bigCorpus, bigSentences},
}

func (g goldenModel) build(t testing.TB) *Model {
	m, err := Build(strings.NewReader(g.corpus(t)), BuildOptions{Order: g.order, Prune: g.prune})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWriteGoldenModels writes the models and sentences for
// testdata/gen/lm_sphinx_golden.sh; it runs only when
// ECOUTE_LM_GOLDEN_DIR names a directory.
func TestWriteGoldenModels(t *testing.T) {
	dir := os.Getenv("ECOUTE_LM_GOLDEN_DIR")
	if dir == "" {
		t.Skip("ECOUTE_LM_GOLDEN_DIR not set (used by testdata/gen/lm_sphinx_golden.sh)")
	}
	for _, g := range goldenModels {
		writeGolden(t, g, dir)
	}
}

func writeGolden(t *testing.T, g goldenModel, dir string) {
	sents := g.sentences(t)
	m := g.build(t)
	f, err := os.Create(filepath.Join(dir, g.name+".arpa"))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.WriteARPA(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var sb strings.Builder
	for _, s := range sents {
		fmt.Fprintf(&sb, "<s> %s </s>\n", s)
	}
	if err := os.WriteFile(filepath.Join(dir, g.name+".sentences"), []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

var logPLine = regexp.MustCompile(`^log P\((\S+)\|.*\) = (-?\d+)$`)

// sphinxUnit is log10(1.0001): sphinx's scores are in log base 1.0001.
var sphinxUnit = math.Log10(1.0001)

// compareSphinx checks our per-word scores against sphinx's verbose lines
// (per sentence, words in reverse order, OOVs skipped). Sphinx truncates
// each word's score to an integer in log base 1.0001, so a word agrees when
// ours, in the same unit, is within 1 of it. It returns the worst per-word
// difference in sphinx units and the largest relative difference of the
// sentence totals.
func compareSphinx(t *testing.T, name string, tol float64, m *Model, sents []string, lines []string) (worstWord, worstRel float64) {
	t.Helper()
	i := 0
	for _, s := range sents {
		sc := m.ScoreSentence(strings.Fields(s))
		words := append(strings.Fields(s), EOS)
		var sphinxTotal, ours float64
		for k := len(words) - 1; k >= 0; k-- {
			if math.IsNaN(sc.WordLog10[k]) {
				continue // OOV: sphinx prints nothing
			}
			if i >= len(lines) {
				t.Fatalf("%s: sphinx output ends early at %q", name, s)
			}
			mm := logPLine.FindStringSubmatch(lines[i])
			i++
			if mm == nil || mm[1] != words[k] {
				t.Fatalf("%s: %q word %q: sphinx line %q", name, s, words[k], lines[i-1])
			}
			sp, _ := strconv.Atoi(mm[2])
			our := sc.WordLog10[k] / sphinxUnit
			d := math.Abs(our - float64(sp))
			worstWord = max(worstWord, d)
			if d > tol {
				t.Errorf("%s: %q: log P(%s) = %.2f (log base 1.0001), sphinx %d", name, s, words[k], our, sp)
			}
			sphinxTotal += float64(sp)
			ours += our
		}
		if sphinxTotal != 0 {
			worstRel = max(worstRel, math.Abs(ours-sphinxTotal)/math.Abs(sphinxTotal))
		}
	}
	if i != len(lines) {
		t.Errorf("%s: %d sphinx word lines left over", name, len(lines)-i)
	}
	return
}

func readSphinxLines(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "log P(") {
			out = append(out, sc.Text())
		}
	}
	return out
}

// TestSphinxGolden compares our scores with sphinx_lm_eval's output stored
// by testdata/gen/lm_sphinx_golden.sh, on the ARPA files we write.
func TestSphinxGolden(t *testing.T) {
	for _, g := range goldenModels {
		t.Run(g.name, func(t *testing.T) {
			sents := g.sentences(t)
			m := g.build(t)
			lines := readSphinxLines(t, "../../testdata/lm/sphinx_"+g.name+".txt")
			w, r := compareSphinx(t, g.name, g.tolWord, m, sents, lines)
			t.Logf("%s (%v n-grams): %d word scores; max per-word difference %.3f (log base 1.0001 units, sphinx truncates to integers); max relative difference of sentence totals %.2g",
				g.name, m.Counts(), len(lines), w, r)
		})
	}
}

// TestSphinxLive runs sphinx_lm_eval on a freshly written model (skipped
// when sphinx_lm_eval is not installed).
func TestSphinxLive(t *testing.T) {
	bin, err := exec.LookPath("sphinx_lm_eval")
	if err != nil {
		t.Skip("sphinx_lm_eval not installed (Debian package sphinxbase-utils)")
	}
	dir := t.TempDir()
	g := goldenModels[1]
	writeGolden(t, g, dir)
	out, err := exec.Command(bin, "-lm", filepath.Join(dir, g.name+".arpa"), "-lsn", filepath.Join(dir, g.name+".sentences"), "-verbose", "yes").Output()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "log P(") {
			lines = append(lines, l)
		}
	}
	w, r := compareSphinx(t, g.name, g.tolWord, g.build(t), g.sentences(t), lines)
	t.Logf("live: max per-word difference %.3f sphinx units, totals relative %.2g", w, r)
}
