package worker_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

// TestColdRequest measures the first transcription a fresh isolate serves
// against the next ones: workerd's CPU time per second of audio, cold and
// warm. It runs first in the package (files are taken in name order) and
// needs ECOUTE_WORKER_FRESH=1, which run.sh sets when nothing but a TCP
// connect has reached workerd yet; otherwise the first request is not cold.
func TestColdRequest(t *testing.T) {
	need(t)
	if os.Getenv("ECOUTE_WORKER_FRESH") != "1" {
		t.Skip("ECOUTE_WORKER_FRESH is not 1: the isolate may have served requests already")
	}
	hello, err := os.ReadFile(filepath.Join(testdata, "hello.wav"))
	if err != nil {
		t.Skip(err)
	}
	pcm, err := audio.Decode(bytes.NewReader(hello))
	if err != nil {
		t.Fatal(err)
	}
	sec := float64(len(pcm.Samples)) / float64(pcm.Rate)
	cost := func() (float64, reply) {
		cpu0, _, ok := procCPU(t)
		if !ok {
			t.Skip("no ECOUTE_WORKER_PID: cannot read workerd's CPU time")
		}
		r := postFile(t, "", "audio/wav", hello)
		cpu1, _, _ := procCPU(t)
		if r.code != 200 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		return ms(cpu1 - cpu0), r
	}
	cold, r := cost()
	var warm []float64
	for range 5 {
		c, _ := cost()
		warm = append(warm, c)
	}
	best := warm[0]
	for _, w := range warm {
		best = min(best, w)
	}
	summary(t, "cold: first request (isolate start, model load, LM parse, %.1f s of audio) %.0f ms of workerd CPU = %.0f ms per audio second; warm: best of 5 %.0f ms = %.0f ms per audio second (all: %v)",
		sec, cold, cold/sec, best, best/sec, warm)
	if m, ok := statsHeader(r.hdr, "X-Ecoute-Instances-Started"); ok && m != 1 {
		t.Errorf("the first request started %d Go instances, want 1", m)
	}
}

// TestModelDownload checks that the model is downloadable at
// ECOUTE_MODEL_ASSET's path (README) when it ships as a static asset.
func TestModelDownload(t *testing.T) {
	need(t)
	if os.Getenv("ECOUTE_ASSET_BUILD") != "1" {
		t.Skip("the model is inside app.wasm (not an --asset build)")
	}
	want := asr.DefaultModelBytes()
	if p := os.Getenv("ECOUTE_MODEL_FILE"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want = b
	}
	resp, err := client.Get(base + "/model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
		t.Fatalf("GET /model.safetensors: status %d, %d bytes; want 200 with the model's %d bytes", resp.StatusCode, len(got), len(want))
	}
}

// sixtyPeakLimit bounds the Go instance's linear memory after a 60 s clip.
const sixtyPeakLimit = 64 << 20

// TestSixtySeconds sends a clip just under the worker's 60-second limit,
// alone and then ECOUTE_SIXTY_CONCURRENCY (default 2) at once, and reports
// the Go instance's linear memory peak (it never shrinks, so the figure
// covers all requests so far).
func TestSixtySeconds(t *testing.T) {
	need(t)
	hello, err := os.ReadFile(filepath.Join(testdata, "hello.wav"))
	if err != nil {
		t.Skip(err)
	}
	pcm, err := audio.Decode(bytes.NewReader(hello))
	if err != nil {
		t.Fatal(err)
	}
	n := int(59.5 * float64(pcm.Rate))
	x := make([]float32, 0, n)
	gap := make([]float32, pcm.Rate/4)
	for len(x) < n {
		x = append(append(x, pcm.Samples...), gap...)
	}
	var b bytes.Buffer
	if err := audio.EncodeWAV(&b, x[:n], pcm.Rate); err != nil {
		t.Fatal(err)
	}
	clip := b.Bytes()
	cpu0, _, haveCPU := procCPU(t)
	r := postFile(t, "", "audio/wav", clip)
	cpu1, _, _ := procCPU(t)
	if r.code != 200 {
		t.Fatalf("60-s clip: %d %s", r.code, r.body)
	}
	peak, havePeak := statsHeader(r.hdr, "X-Ecoute-Wasm-Memory-Peak")
	line := ""
	if haveCPU {
		line = ", " + strconv.FormatFloat(ms(cpu1-cpu0)/59.5, 'f', 0, 64) + " ms of workerd CPU per audio second"
	}
	summary(t, "60-s clip alone: Go linear memory peak %.1f MiB%s", float64(peak)/(1<<20), line)
	// Issue 25's bound for one 60 s clip. The peak covers the isolate's
	// requests so far, which here are only TestColdRequest's short clips
	// (this file's tests run first). With Go's default GOGC of 100 instead
	// of wasm/worker's 10 it was 72-78 MiB after such requests.
	if havePeak && peak > sixtyPeakLimit {
		t.Errorf("60-s clip alone: Go linear memory peak %.1f MiB, over %d MiB", float64(peak)/(1<<20), sixtyPeakLimit>>20)
	}
	var wg sync.WaitGroup
	// Two at once by default: with eight, some connections are reset on
	// the loaded 2-core development machine (seven of eight at first, one
	// or two of eight with GOGC 10; workerd logs nothing, and eight curl
	// clients, which send "Expect: 100-continue", saw none in three runs);
	// ECOUTE_SIXTY_CONCURRENCY=8 reproduces it.
	replies := make([]reply, envInt("ECOUTE_SIXTY_CONCURRENCY", 2))
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = postFile(t, "", "audio/wav", clip)
		}()
	}
	wg.Wait()
	for i, r := range replies {
		if r.code != 200 {
			t.Errorf("60-s clip %d of %d: %d %s", i, len(replies), r.code, r.body)
		}
		if m, ok := statsHeader(r.hdr, "X-Ecoute-Wasm-Memory-Peak"); ok {
			peak = max(peak, m)
		}
	}
	summary(t, "60-s clips, %d at once: Go linear memory peak %.1f MiB (isolate limit 128 MB)", len(replies), float64(peak)/(1<<20))
}
