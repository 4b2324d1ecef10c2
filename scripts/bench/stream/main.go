// Command stream measures asr.Stream and the server's /v1/stream against
// the goals of streaming recognition: it joins the clips of one or more
// manifests with pauses into one continuous recording and
//
//   - feeds it to one asr.Stream in 100 ms writes on a simulated clock: a
//     write starts when its audio has arrived and the previous write is
//     done, and its events are out when it returns (its measured compute
//     time, GOMAXPROCS=1), so the latencies include the compute;
//
//   - prints the median (and 90th percentile) latency of a word appearing
//     in a partial (or final) after its end time in the audio, the time
//     from the end of a segment's last word to its final, the CPU
//     fraction of one core, and the WER of the streaming finals and of
//     Recognizer.Transcribe on the same recording (text/wer, text.Normalize);
//
//   - with -load, runs "transcribe serve"'s handler on 127.0.0.1 and
//     N = 1, 2, 4, ... Vosk-protocol clients that each send -load-seconds
//     of the recording in real time in 100 ms messages, and prints the
//     median and 90th percentile of the time from sending a message to its
//     answer, for as many streams as the machine holds.
//
//     stream [-n 500] [-pause 1] [-load] MANIFEST.tsv...
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/server"
	"github.com/ecoute/ecoute/text"
	"github.com/ecoute/ecoute/text/wer"
)

func main() {
	n := flag.Int("n", 500, "clips to join (the first N of the manifests)")
	pause := flag.Float64("pause", 1, "seconds of faint noise (-80 dBFS) between clips")
	load := flag.Bool("load", false, "also measure concurrent streams through the server")
	loadSec := flag.Float64("load-seconds", 20, "seconds of audio each load client sends")
	maxStreams := flag.Int("max-load", 64, "most concurrent streams tried")
	endPause := flag.Float64("end-pause", asr.DefaultStreamOptions().EndPause, "asr.StreamOptions.EndPause")
	step := flag.Float64("step", asr.DefaultStreamOptions().Step, "asr.StreamOptions.Step")
	skipOffline := flag.Bool("no-offline", false, "skip the offline WER")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: stream [-n 500] [-pause 1] [-load] MANIFEST.tsv...")
		os.Exit(2)
	}
	x, ref, _, err := join(flag.Args(), *n, *pause)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stream:", err)
		os.Exit(1)
	}
	m, err := asr.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, "stream:", err)
		os.Exit(1)
	}
	o := asr.DefaultOptions()
	o.NBest = 0
	rec := asr.NewRecognizer(m, o)
	dur := float64(len(x)) / 16000
	fmt.Printf("recording: %d clips joined with %.1f s pauses, %.1f min\n", min(*n, strings.Count(ref, "\x00")+1), *pause, dur/60)
	ref = strings.ReplaceAll(ref, "\x00", " ")

	so := asr.DefaultStreamOptions()
	so.EndPause, so.Step = *endPause, *step
	single(rec, x, ref, so)
	if !*skipOffline {
		start := time.Now()
		res, err := rec.Transcribe(&audio.PCM{Samples: x, Rate: 16000})
		if err != nil {
			fmt.Fprintln(os.Stderr, "stream:", err)
			os.Exit(1)
		}
		fmt.Printf("offline Transcribe of the same recording: WER %s (%.1f s)\n", werOf(ref, res.Text), time.Since(start).Seconds())
	}
	if *load {
		loadTest(m, x[:min(len(x), int(*loadSec*16000))], *maxStreams)
	}
}

// join reads the first n clips of the manifests (16 kHz) and joins them
// with pause seconds of faint noise; the transcripts are joined with NULs,
// and ends are the seconds where the clips end (the pauses start).
func join(manifests []string, n int, pause float64) (x []float32, ref string, ends []float64, err error) {
	rng := rand.New(rand.NewPCG(1, 2))
	gap := func() []float32 {
		g := make([]float32, int(pause*16000))
		for i := range g {
			g[i] = float32(rng.NormFloat64() * 1e-4)
		}
		return g
	}
	x = gap()
	var refs []string
	for _, mf := range manifests {
		utts, err := asr.ReadManifest(mf)
		if err != nil {
			return nil, "", nil, err
		}
		for _, u := range utts {
			if len(refs) == n {
				break
			}
			f, err := os.Open(u.Path)
			if err != nil {
				return nil, "", nil, err
			}
			p, err := audio.Decode(f)
			f.Close()
			if err != nil {
				return nil, "", nil, fmt.Errorf("%s: %w", u.Path, err)
			}
			x = append(x, audio.Resample(p.Samples, p.Rate, 16000)...)
			ends = append(ends, float64(len(x))/16000)
			x = append(x, gap()...)
			refs = append(refs, u.Transcript)
		}
	}
	return x, strings.Join(refs, "\x00"), ends, nil
}

func werOf(ref, hyp string) string {
	r := wer.ScoreMaps(map[string]string{"all": ref}, map[string]string{"all": hyp}, wer.Options{Normalize: text.Normalize})
	return fmt.Sprintf("%.2f%%", 100*r.Total.ErrorRate())
}

// emitted is an event and the simulated time it came out.
type emitted struct {
	at float64
	e  asr.Event
}

// single feeds x to one stream in 100 ms writes on a simulated clock.
func single(rec *asr.Recognizer, x []float32, ref string, so asr.StreamOptions) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	s := rec.NewStream(16000, so)
	const chunk = 1600
	var evs []emitted
	var busy time.Duration
	clock := 0.0 // when the stream is free
	for i := 0; i < len(x); i += chunk {
		end := min(i+chunk, len(x))
		arrive := float64(end) / 16000
		t0 := time.Now()
		out := s.Write(x[i:end])
		d := time.Since(t0)
		busy += d
		clock = max(clock, arrive) + d.Seconds()
		for _, e := range out {
			evs = append(evs, emitted{clock, e})
		}
	}
	t0 := time.Now()
	out := s.Close()
	busy += time.Since(t0)
	clock += time.Since(t0).Seconds()
	for _, e := range out {
		evs = append(evs, emitted{clock, e})
	}
	dur := float64(len(x)) / 16000

	var hyp []string
	var wordLat, finalLat, gapLat []float64
	firstSeen := func(w asr.Word, upto int) float64 {
		for _, ev := range evs[:upto+1] {
			for _, pw := range ev.e.Words {
				if pw.Word == w.Word && pw.Start < w.End && w.Start < pw.End {
					return ev.at
				}
			}
		}
		return evs[upto].at
	}
	partials, finals := 0, 0
	for i, ev := range evs {
		if !ev.e.Final {
			partials++
			continue
		}
		finals++
		if ev.e.Text == "" {
			continue
		}
		hyp = append(hyp, ev.e.Text)
		for _, w := range ev.e.Words {
			wordLat = append(wordLat, firstSeen(w, i)-w.End)
		}
		last := ev.e.Words[len(ev.e.Words)-1].End
		finalLat = append(finalLat, ev.at-last)
		// The pause as the stream's VAD saw it: the segment is cut
		// EndPause/2 into it.
		gapLat = append(gapLat, ev.at-(ev.e.End-so.EndPause/2))
	}
	fmt.Printf("streaming (step %.2f s, end pause %.2f s), 100 ms writes, simulated real time (compute included, one core):\n", so.Step, so.EndPause)
	fmt.Printf("  %d finals, %d partials, %d words\n", finals, partials, len(wordLat))
	fmt.Printf("  word in a partial after its end: median %.2f s, p90 %.2f s\n", quantile(wordLat, 0.5), quantile(wordLat, 0.9))
	fmt.Printf("  final after the segment's last word: median %.2f s, p90 %.2f s\n", quantile(finalLat, 0.5), quantile(finalLat, 0.9))
	fmt.Printf("  final after the start of the pause that closed it (the VAD's): median %.2f s, p90 %.2f s\n", quantile(gapLat, 0.5), quantile(gapLat, 0.9))
	fmt.Printf("  CPU: %.1f s for %.1f s of audio = %.1f%% of one core\n", busy.Seconds(), dur, 100*busy.Seconds()/dur)
	fmt.Printf("  streaming finals WER %s\n", werOf(ref, strings.Join(hyp, " ")))
}

func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// loadTest runs N Vosk clients at once for N = 1, 2, 4, ... up to max,
// each sending x in real time, and prints the answer lag.
func loadTest(m *asr.Model, x []float32, maxN int) {
	h := server.New(server.Config{Load: func() (*asr.Model, error) { return m, nil }, Stream: server.StreamConfig{MaxStreams: -1}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/v1/stream"
	pcm := make([]byte, 2*len(x))
	for i, v := range x {
		s := int16(max(-32768, min(32767, v*32768)))
		pcm[2*i], pcm[2*i+1] = byte(s), byte(uint16(s)>>8)
	}
	fmt.Printf("server load: N clients each send %.0f s in real time, 100 ms messages; answer lag = send to answer (GOMAXPROCS %d)\n", float64(len(x))/16000, runtime.GOMAXPROCS(0))
	for n := 1; n <= maxN; n *= 2 {
		var mu sync.Mutex
		var lags []float64
		var wg sync.WaitGroup
		failed := 0
		for c := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Stagger the starts over one chunk.
				time.Sleep(time.Duration(c) * 100 * time.Millisecond / time.Duration(n))
				l, err := client(url, pcm)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed++
					return
				}
				lags = append(lags, l...)
			}()
		}
		wg.Wait()
		fmt.Printf("  N=%-3d answer lag median %.3f s, p90 %.3f s, max %.3f s; %d failed\n", n, quantile(lags, 0.5), quantile(lags, 0.9), quantile(lags, 1), failed)
		if quantile(lags, 0.5) > 1 {
			break
		}
	}
}

// client streams pcm in real time and returns the lag of each answer.
func client(url string, pcm []byte) ([]float64, error) {
	ctx := context.Background()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"config": {"sample_rate": 16000}}`)); err != nil {
		return nil, err
	}
	const chunk = 3200
	start := time.Now()
	var lags []float64
	for i, k := 0, 0; i < len(pcm); i, k = i+chunk, k+1 {
		time.Sleep(time.Until(start.Add(time.Duration(k) * 100 * time.Millisecond)))
		t0 := time.Now()
		if err := c.Write(ctx, websocket.MessageBinary, pcm[i:min(i+chunk, len(pcm))]); err != nil {
			return nil, err
		}
		if _, _, err := c.Read(ctx); err != nil {
			return nil, err
		}
		lags = append(lags, time.Since(t0).Seconds())
	}
	c.Write(ctx, websocket.MessageText, []byte(`{"eof": 1}`))
	c.Read(ctx)
	return lags, nil
}
