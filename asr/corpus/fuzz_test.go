package corpus

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// seed adds the fixture files named to f, each as one []byte argument.
func seedFiles(f *testing.F, paths ...string) [][]byte {
	out := make([][]byte, len(paths))
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out[i] = b
	}
	return out
}

// checkParsed checks what every reader promises: errors are *ParseError
// values (or the line count summary) with a line in the input, and no
// utterance comes back without an id or an audio source.
func checkParsed(t *testing.T, us []Utterance, err error, data ...[]byte) {
	t.Helper()
	lines := 0
	for _, d := range data {
		lines = max(lines, bytes.Count(d, []byte("\n"))+1)
	}
	for _, e := range unjoin(err) {
		if e == nil {
			continue
		}
		var pe *ParseError
		if errors.As(e, &pe) {
			if pe.Line < 1 || pe.Line > lines {
				t.Fatalf("line %d of %d: %v", pe.Line, lines, e)
			}
		} else if !strings.Contains(e.Error(), "more bad lines") && !strings.Contains(e.Error(), "has a line in text") {
			t.Fatalf("unexpected error %T: %v", e, e)
		}
	}
	for _, u := range us {
		if u.ID == "" || (u.Path == "") == (u.Command == "") {
			t.Fatalf("bad utterance %+v", u)
		}
		if u.Start < 0 || u.End < 0 || u.End != 0 && u.End <= u.Start || u.Channel < 0 {
			t.Fatalf("bad range %+v", u)
		}
	}
}

// FuzzReadTSV: manifests with and without headers, Common Voice splits.
func FuzzReadTSV(f *testing.F) {
	for _, b := range seedFiles(f, fixture("manifest", "train.tsv"), fixture("transcripts", "transcripts.tsv"),
		fixture("commonvoice", "train.tsv"), fixture("commonvoice", "dev.tsv")) {
		f.Add(b)
	}
	f.Add([]byte("\uFEFFpath\ttranscript\r\na.wav\tx\r\n\xff\n#c\n\t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		us, l, err := ReadTSV(bytes.NewReader(data), "m.tsv", "d")
		if l == Unknown && len(us) > 0 {
			t.Fatalf("utterances without a layout")
		}
		checkParsed(t, us, err, data)
	})
}

// FuzzReadWavSCP: Kaldi wav.scp lines.
func FuzzReadWavSCP(f *testing.F) {
	for _, b := range seedFiles(f, fixture("kaldi", "wav.scp")) {
		f.Add(b)
	}
	f.Add([]byte("a sox x.wav -t wav - |\nb  \t|\nc\n a b c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		us, err := ReadWavSCP(bytes.NewReader(data), "wav.scp")
		checkParsed(t, us, err, data)
		seen := map[string]bool{}
		for _, u := range us {
			if seen[u.ID] {
				t.Fatalf("id %q twice", u.ID)
			}
			seen[u.ID] = true
		}
	})
}

// FuzzReadKaldi: a whole data folder (wav.scp, text, segments, utt2spk).
func FuzzReadKaldi(f *testing.F) {
	b := seedFiles(f, fixture("kaldi", "wav.scp"), fixture("kaldi", "text"), fixture("kaldi", "segments"), fixture("kaldi", "utt2spk"))
	f.Add(b[0], b[1], b[2], b[3])
	f.Add(b[0], b[1], []byte{}, b[3])
	f.Add([]byte("r a.wav\n"), []byte("u\n"), []byte("u r 1e300 -1 9\n"), []byte("u\n"))
	f.Fuzz(func(t *testing.T, scp, text, segs, spk []byte) {
		k := kaldiFiles{dir: "d", wavSCP: bytes.NewReader(scp), text: bytes.NewReader(text), utt2sp: bytes.NewReader(spk)}
		if len(segs) > 0 {
			k.segments = bytes.NewReader(segs)
		}
		us, err := k.join()
		checkParsed(t, us, err, scp, text, segs, spk)
	})
}
