package wer

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// scliteResult is one utterance of an sclite pra report.
type scliteResult struct {
	counts string // "#C #S #D #I"
	ops    string
}

// readGoldenTSV reads testdata/wer/sclite_{words,chars}.tsv, made by
// NIST sclite (testdata/gen/wer_golden.py).
func readGoldenTSV(t *testing.T, path string) ([]string, map[string]scliteResult) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	m := map[string]scliteResult{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		if len(p) != 3 {
			t.Fatalf("%s: bad line %q", path, sc.Text())
		}
		ids = append(ids, p[0])
		m[p[0]] = scliteResult{p[1], p[2]}
	}
	return ids, m
}

func readTrn(t *testing.T, path string) []Transcript {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := ReadTranscripts(f, path, TRN)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// compareSclite checks a report against sclite's per-utterance results
// and prints the first mismatches.
func compareSclite(t *testing.T, r *Report, want map[string]scliteResult) {
	t.Helper()
	bad := 0
	for _, u := range r.Utterances {
		w, ok := want[u.ID]
		if !ok {
			t.Fatalf("no sclite result for %s", u.ID)
		}
		got := fmt.Sprintf("%d %d %d %d", u.Correct, u.Sub, u.Del, u.Ins)
		if got != w.counts || u.Ops != w.ops {
			bad++
			if bad <= 5 {
				t.Errorf("%s: counts %s ops %s; sclite %s ops %s\n  ref %q\n  hyp %q",
					u.ID, got, u.Ops, w.counts, w.ops, strings.Join(u.Ref, " "), strings.Join(u.Hyp, " "))
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d utterances differ from sclite", bad, len(r.Utterances))
	}
	if len(r.Utterances) != len(want) {
		t.Errorf("scored %d utterances, sclite %d", len(r.Utterances), len(want))
	}
}

func totalLine(r *Report) string {
	t := r.Total
	return fmt.Sprintf("Sum %d %d %d %d %d %d %d %d", t.Utterances, t.RefLen(), t.Correct, t.Sub, t.Del, t.Ins, t.Errors(), t.SentErrors)
}

func readTotal(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// TestScliteGolden compares with alignments made by NIST sclite 2.4.10
// (Debian sctk; "sclite -i rm", and "-c" for characters) on 1,500
// utterance pairs: random edits of real sentences, empty and one-word
// cases, small-alphabet pairs with many equal-cost alignments.
func TestScliteGolden(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "wer")
	refs := readTrn(t, filepath.Join(dir, "ref.trn"))
	hyps := readTrn(t, filepath.Join(dir, "hyp.trn"))
	for _, unit := range []string{"words", "chars"} {
		t.Run(unit, func(t *testing.T) {
			r := Score(refs, hyps, Options{Chars: unit == "chars"})
			_, want := readGoldenTSV(t, filepath.Join(dir, "sclite_"+unit+".tsv"))
			compareSclite(t, r, want)
			wantTotal := readTotal(t, filepath.Join(dir, "sclite_"+unit+"_total.txt"))
			if got := totalLine(r); got != wantTotal {
				t.Errorf("totals:\n got    %s\n sclite %s", got, wantTotal)
			}
		})
	}
}

func findSclite() string {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		return "" // no subprocesses under WebAssembly
	}
	if p := os.Getenv("SCLITE"); p != "" {
		return p
	}
	if p, err := exec.LookPath("sclite"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/lib/sctk/bin/sclite"); err == nil {
		return "/usr/lib/sctk/bin/sclite"
	}
	return ""
}

// parsePra reads sclite's pra report.
func parsePra(t *testing.T, path string) map[string]scliteResult {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]scliteResult{}
	var id string
	var ref []string
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "id: ("):
			id = strings.TrimSuffix(line[5:], ")")
		case strings.HasPrefix(line, "Scores: (#C #S #D #I)"):
			m[id] = scliteResult{counts: strings.Join(strings.Fields(line[len("Scores: (#C #S #D #I)"):]), " ")}
		case strings.HasPrefix(line, "REF:"):
			ref = strings.Fields(line[4:])
		case strings.HasPrefix(line, "HYP:"):
			hyp := strings.Fields(line[4:])
			if len(hyp) != len(ref) {
				t.Fatalf("pra %s: REF and HYP lengths differ", id)
			}
			var ops []byte
			for k := range ref {
				switch {
				case strings.Trim(ref[k], "*") == "":
					ops = append(ops, 'I')
				case strings.Trim(hyp[k], "*") == "":
					ops = append(ops, 'D')
				case strings.EqualFold(ref[k], hyp[k]):
					ops = append(ops, 'C')
				default:
					ops = append(ops, 'S')
				}
			}
			r := m[id]
			r.ops = string(ops)
			m[id] = r
		}
	}
	return m
}

// TestScliteLive runs sclite on freshly generated random pairs when it
// is installed (Debian package sctk), and skips otherwise.
func TestScliteLive(t *testing.T) {
	sclite := findSclite()
	if sclite == "" {
		t.Skip("sclite not installed (apt-get install sctk)")
	}
	rng := rand.New(rand.NewPCG(7, 11))
	words := strings.Fields("the a of and to in is it that was he for on are with as his they be at one have this from or had by hot word but what some we can out other were all there when up use your how said an each she")
	var refs, hyps []Transcript
	n := 600
	if testing.Short() {
		n = 100
	}
	for i := 0; i < n; i++ {
		vocab := words
		if i%3 == 0 {
			vocab = words[:1+rng.IntN(3)]
		}
		gen := func() string {
			w := make([]string, rng.IntN(15))
			for k := range w {
				w[k] = vocab[rng.IntN(len(vocab))]
			}
			return strings.Join(w, " ")
		}
		id := fmt.Sprintf("spk%d_utt%04d", i%7, i)
		ref := gen()
		hyp := gen()
		if i%2 == 0 {
			// Edit the reference instead of drawing a new sentence.
			w := strings.Fields(ref)
			for e := rng.IntN(4); e > 0 && len(w) > 0; e-- {
				k := rng.IntN(len(w))
				switch rng.IntN(3) {
				case 0:
					w[k] = vocab[rng.IntN(len(vocab))]
				case 1:
					w = append(w[:k], w[k+1:]...)
				case 2:
					w = append(w[:k], append([]string{vocab[rng.IntN(len(vocab))]}, w[k:]...)...)
				}
			}
			hyp = strings.Join(w, " ")
		}
		refs = append(refs, Transcript{ID: id, Text: ref})
		hyps = append(hyps, Transcript{ID: id, Text: hyp})
	}
	dir := t.TempDir()
	write := func(name string, tr []Transcript) string {
		p := filepath.Join(dir, name)
		var b strings.Builder
		for _, x := range tr {
			fmt.Fprintf(&b, "%s (%s)\n", x.Text, x.ID)
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rp, hp := write("ref.trn", refs), write("hyp.trn", hyps)
	for _, chars := range []bool{false, true} {
		args := []string{"-r", rp, "trn", "-h", hp, "trn", "-i", "rm", "-o", "pra", "-O", dir, "-n", "out"}
		if chars {
			args = append(args, "-c")
		}
		if out, err := exec.Command(sclite, args...).CombinedOutput(); err != nil {
			t.Fatalf("sclite: %v\n%s", err, out)
		}
		want := parsePra(t, filepath.Join(dir, "out.pra"))
		compareSclite(t, Score(refs, hyps, Options{Chars: chars}), want)
	}
	t.Logf("%d pairs compared with %s (words and characters)", n, sclite)
}
