package asr

import (
	"sync"
	"testing"
)

// TestDecoderSharedPerLM: recognizers made with the same decoding options
// (a server makes one per request) share one decoder and its lexicon trie,
// from any goroutine; other options get their own.
func TestDecoderSharedPerLM(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	decs := make([]any, 8)
	var wg sync.WaitGroup
	for i := range decs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			oo := o
			oo.Hotwords = []Hotword{{Word: []string{"ecoute", "gonum"}[i%2], Boost: 5}} // per call, not per decoder
			d, _, err := NewRecognizer(m, oo).decoder()
			if err != nil {
				t.Error(err)
			}
			decs[i] = d
		}()
	}
	wg.Wait()
	for i := range decs {
		if decs[i] != decs[0] {
			t.Fatalf("recognizer %d built its own decoder", i)
		}
	}
	o2 := o
	o2.Alpha += 0.1
	d2, _, err := NewRecognizer(m, o2).decoder()
	if err != nil {
		t.Fatal(err)
	}
	if any(d2) == decs[0] {
		t.Error("another alpha shares the decoder")
	}
}

// BenchmarkFirstDecode: a fresh recognizer's decoder, as each server
// request builds one.
func BenchmarkFirstDecode(b *testing.B) {
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := NewRecognizer(m, DefaultOptions()).Prepare(); err != nil {
			b.Fatal(err)
		}
	}
}
