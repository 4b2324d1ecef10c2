package lm

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// bigARPA builds (once, cached in the temp directory) a trigram model of
// WikiText-2's training text, about a million n-grams, and returns its
// path.
func bigARPA(b *testing.B) string {
	path := filepath.Join(os.TempDir(), "ecoute-wikitext2-3gram.arpa")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	f, err := os.Open(filepath.Join(sharedText, "wikitext-2", "train.txt"))
	if err != nil {
		b.Skip("shared text corpus absent")
	}
	defer f.Close()
	m, err := Build(bufio.NewReader(f), BuildOptions{Order: 3})
	if err != nil {
		b.Fatal(err)
	}
	out, err := os.Create(path + ".tmp")
	if err != nil {
		b.Fatal(err)
	}
	if err := m.WriteARPA(out); err != nil {
		b.Fatal(err)
	}
	out.Close()
	os.Rename(path+".tmp", path)
	return path
}

// BenchmarkReadARPA reports the load time of a ~1M n-gram ARPA file and the
// heap the model holds (MB-heap) after loading.
func BenchmarkReadARPA(b *testing.B) {
	path := bigARPA(b)
	st, _ := os.Stat(path)
	var m *Model
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		m, err = ReadARPA(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	n := 0
	for _, c := range m.Counts() {
		n += c
	}
	b.ReportMetric(float64(n), "ngrams")
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MB-heap")
	b.ReportMetric(float64(st.Size())/(1<<20), "MB-file")
	runtime.KeepAlive(m)
}

// BenchmarkScore measures state-based scoring on the big model.
func BenchmarkScore(b *testing.B) {
	path := bigARPA(b)
	f, _ := os.Open(path)
	m, err := ReadARPA(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	words := strings.Fields("the game was released in japan in 2011 and it received positive reviews from critics")
	ids := make([]int32, len(words))
	for i, w := range words {
		ids[i] = m.ID(w)
	}
	b.Run(fmt.Sprintf("words=%d", len(ids)), func(b *testing.B) {
		for b.Loop() {
			s := m.Start()
			for _, id := range ids {
				_, s = m.Score(s, id)
			}
			m.End(s)
		}
	})
}
