package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/audio/features"
)

func runCmd(t *testing.T, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, bytes.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func libraryMFCC(t *testing.T, path string) [][]float32 {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	o := features.DefaultMFCCOptions()
	o.Frame.SampFreq = float64(p.Rate)
	m, _ := features.NewMFCC(o)
	return m.Compute(p.Samples)
}

func parseText(t *testing.T, s string) [][]float32 {
	var m [][]float32
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		var row []float32
		for _, f := range strings.Fields(line) {
			v, err := strconv.ParseFloat(f, 32)
			if err != nil {
				t.Fatal(err)
			}
			row = append(row, float32(v))
		}
		m = append(m, row)
	}
	return m
}

func readNPY(t *testing.T, b []byte) ([]int, []float32) {
	t.Helper()
	if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("not npy v1: % x", b[:min(len(b), 10)])
	}
	hl := int(binary.LittleEndian.Uint16(b[8:]))
	header := string(b[10 : 10+hl])
	if (10+hl)%64 != 0 || !strings.HasSuffix(header, "\n") || !strings.Contains(header, "'descr': '<f4'") {
		t.Fatalf("bad header %q", header)
	}
	i := strings.Index(header, "'shape': (")
	var r, c int
	fmtShape := header[i+len("'shape': ("):]
	parts := strings.SplitN(fmtShape, ")", 2)[0]
	dims := strings.Split(parts, ", ")
	r, _ = strconv.Atoi(dims[0])
	c, _ = strconv.Atoi(dims[1])
	data := b[10+hl:]
	if len(data) != 4*r*c {
		t.Fatalf("npy: %d data bytes for shape (%d, %d)", len(data), r, c)
	}
	v := make([]float32, r*c)
	for k := range v {
		v[k] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*k:]))
	}
	return []int{r, c}, v
}

func TestFeaturesCommand(t *testing.T) {
	clip := filepath.Join("..", "..", "testdata", "hello.wav")
	want := libraryMFCC(t, clip)

	// txt to stdout equals the library, value for value.
	out, errs, code := runCmd(t, nil, "features", clip)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := parseText(t, out)
	if len(got) != len(want) || len(got[0]) != 13 {
		t.Fatalf("txt: %dx%d, want %dx13", len(got), len(got[0]), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("txt frame %d dim %d: %v, library %v", i, j, got[i][j], want[i][j])
			}
		}
	}

	// npy from stdin, with deltas and CMVN.
	data, _ := os.ReadFile(clip)
	dir := t.TempDir()
	npy := filepath.Join(dir, "f.npy")
	if _, errs, code := runCmd(t, data, "features", "--deltas", "--cmvn", "-o", npy, "-"); code != exitOK {
		t.Fatalf("npy: exit %d: %s", code, errs)
	}
	b, _ := os.ReadFile(npy)
	shape, vals := readNPY(t, b)
	if shape[0] != len(want) || shape[1] != 39 {
		t.Fatalf("npy shape %v, want [%d 39]", shape, len(want))
	}
	// Deltas, then CMVN of every column: the recognizer's order
	// (features.Config).
	full := features.AddDeltas(want, 2, 2)
	features.CMVN(full, true)
	for i := range full {
		for j, w := range full[i] {
			if vals[i*39+j] != w {
				t.Fatalf("npy frame %d dim %d: %v, library %v", i, j, vals[i*39+j], w)
			}
		}
	}
	// numpy reads it, when Debian's python3-numpy is there.
	if py, err := exec.LookPath("/usr/bin/python3"); err == nil && runtime.GOOS != "js" {
		cmd := exec.Command(py, "-c", "import numpy, sys; a = numpy.load(sys.argv[1]); print(a.dtype, a.shape)", npy)
		if o, err := cmd.CombinedOutput(); err == nil {
			if s := strings.TrimSpace(string(o)); s != "float32 ("+strconv.Itoa(len(want))+", 39)" {
				t.Errorf("numpy.load: %s", s)
			}
		} else {
			t.Logf("numpy not usable: %v %s", err, o)
		}
	}

	// fbank with resampling: 8 kHz clip at 16 kHz gives the frames of 16 kHz.
	c8 := filepath.Join("..", "..", "testdata", "audio", "clip8k.wav")
	out, errs, code = runCmd(t, nil, "features", "--type", "fbank", "--num-mel-bins", "40", "--sample-rate", "16000", "--energy", c8)
	if code != exitOK {
		t.Fatalf("fbank: exit %d: %s", code, errs)
	}
	fb := parseText(t, out)
	if len(fb) != 95 || len(fb[0]) != 41 {
		t.Errorf("fbank: %dx%d, want 95x41", len(fb), len(fb[0]))
	}
}

func TestFeaturesCommandErrors(t *testing.T) {
	clip := filepath.Join("..", "..", "testdata", "hello.wav")
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"features"}, exitUsage},
		{[]string{"features", "--type", "plp", clip}, exitUsage},
		{[]string{"features", "--format", "csv", clip}, exitUsage},
		{[]string{"features", "--num-ceps", "40", clip}, exitUsage},
		{[]string{"features", "a", "b"}, exitUsage},
		{[]string{"features", "/nonexistent.wav"}, exitFailed},
		{[]string{"features", "--help"}, exitOK},
	} {
		_, errs, code := runCmd(t, nil, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, errs)
		}
	}
	// Garbage on stdin is a decode failure, not a crash.
	_, errs, code := runCmd(t, []byte("not audio"), "features", "-")
	if code != exitFailed || !strings.Contains(errs, "unknown format") {
		t.Errorf("garbage stdin: exit %d, %s", code, errs)
	}
}
