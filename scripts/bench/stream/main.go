// Command stream measures asr.Stream and the server's /v1/stream against
// the goals of streaming recognition: it joins the clips of one or more
// manifests with pauses (-pause seconds of -80 dBFS noise; 0: back to back)
// into one continuous recording and
//
//   - feeds it to one asr.Stream in 100 ms writes on two simulated clocks: a
//     write starts when its audio has arrived and the previous write is
//     done, and its events are out when it returns, after its measured wall
//     time (which on a shared machine includes waiting for a CPU) or its
//     process CPU time (a core of its own), GOMAXPROCS=1;
//
//   - prints the median and 90th percentile of the time from a word's end
//     in the audio (the final decode's word times) to its first showing in
//     a partial (same word, overlapping times) or final, of the time from a
//     segment's last word to its final, and from the end of the clip whose
//     pause closed it; the CPU fraction of one core; and the WER of the
//     streaming finals and of Recognizer.Transcribe on the same recording
//     (text/wer, text.Normalize);
//
//   - with -load, runs "transcribe serve"'s handler on 127.0.0.1 and
//     N = 1, 2, 4, 8, 12, 16, 24, ... Vosk-protocol clients that each send
//     -load-seconds of the recording in real time in 100 ms messages, and
//     prints the time from sending a message to its answer, from a word's
//     end to the first partial with the same word at the same place, and
//     from a segment's last word to its final (wall clock), until the
//     median of one is over 1 s.
//
//     stream [-n 500] [-pause 1] [-min-segment 2] [-load] MANIFEST.tsv...
//
// On the 500 clips of speechocean762-dev + dev-more (2 cores shared with
// other jobs, nice 10, default options, CPU clock):
//
//	-pause 1 (40 min)  word in a partial 0.46 s median (p90 1.45 s); final
//	                   1.00 s after the last word (p90 1.29 s), 0.38 s after
//	                   the clip's end (p90 0.42 s); WER 51.06%, offline
//	                   51.34%; CPU 3.8% of one core
//	-pause 0 (32 min)  0.45 s (1.38 s); final 0.57 s (0.92 s); WER 53.98%,
//	                   offline 51.97%; CPU 3.3%
//	-pause 0, other options (WER; final after the last word, median):
//	                   -floor-window 30: 54.83%, 0.60 s; -floor-window 3:
//	                   54.55%, 0.55 s; -floor-window 30 -min-segment -1:
//	                   56.60%, 0.56 s; -floor-window 30 -end-pause 0.5:
//	                   55.46%, 0.80 s. -pause 1 -floor-window 30: 50.74%
//	                   (with or without -min-segment), 1.01 s
//	-n 20 -load -load-seconds 30 -no-offline: words in partials 0.62,
//	                   0.53, 0.54, 0.53, 0.58, 0.59 s after their end (median)
//	                   with 1, 2, 4, 8, 12, 16 streams (answer lag p90 at
//	                   most 44 ms), 0.91 s with 24, 2.03 s with 32 (the
//	                   process at 0.99 of a core: the other jobs had the rest)
//
// With the inserted pauses the clips' own quiet ends are louder than the
// -80 dBFS noise between them and count as speech, so a final comes about
// 0.6 s later after the last word than after the clip's end; back to back,
// the clips' own silences are the pauses, as in a live recording.
package main

import (
	"context"
	"encoding/json"
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
	floorWin := flag.Float64("floor-window", asr.DefaultStreamOptions().FloorWindow, "asr.StreamOptions.FloorWindow")
	minSeg := flag.Float64("min-segment", asr.DefaultStreamOptions().MinSegment, "asr.StreamOptions.MinSegment (negative: none)")
	skipOffline := flag.Bool("no-offline", false, "skip the offline WER")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: stream [-n 500] [-pause 1] [-load] MANIFEST.tsv...")
		os.Exit(2)
	}
	x, ref, ends, err := join(flag.Args(), *n, *pause)
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
	so.EndPause, so.Step, so.MinSegment, so.FloorWindow = *endPause, *step, *minSeg, *floorWin
	single(rec, x, ref, ends, *pause, so)
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
		loadTest(m, x[:min(len(x), int(*loadSec*16000))], *maxStreams, so)
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
			clip := audio.Resample(p.Samples, p.Rate, 16000)
			x = append(x, clip...)
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

// emitted is an event and the simulated times it came out: on a clock
// that advances by the wall time of each call (at[0]) and on one that
// advances by the process CPU time of each call (at[1]).
type emitted struct {
	at [2]float64
	e  asr.Event
}

// single feeds x to one stream in 100 ms writes on a simulated clock; ends
// are the seconds where the clips end and pauses of pause seconds begin.
func single(rec *asr.Recognizer, x []float32, ref string, ends []float64, pause float64, so asr.StreamOptions) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	s := rec.NewStream(16000, so)
	const chunk = 1600
	var evs []emitted
	var busy, cpu time.Duration
	var clock [2]float64 // when the stream is free, on each clock
	call := func(arrive float64, f func() []asr.Event) {
		c0, t0 := cpuTime(), time.Now()
		out := f()
		d, c := time.Since(t0), cpuTime()-c0
		busy += d
		cpu += c
		clock[0] = max(clock[0], arrive) + d.Seconds()
		clock[1] = max(clock[1], arrive) + c.Seconds()
		for _, e := range out {
			evs = append(evs, emitted{clock, e})
		}
	}
	for i := 0; i < len(x); i += chunk {
		end := min(i+chunk, len(x))
		call(float64(end)/16000, func() []asr.Event { return s.Write(x[i:end]) })
	}
	call(float64(len(x))/16000, s.Close)
	dur := float64(len(x)) / 16000

	fmt.Printf("streaming (step %.2f s, end pause %.2f s, min segment %.2f s, floor window %.0f s), 100 ms writes, simulated real time on one core:\n", so.Step, so.EndPause, so.MinSegment, so.FloorWindow)
	fmt.Printf("  CPU: %.1f s in Write/Close (wall) for %.1f s of audio = %.1f%% of one core; process CPU time %.1f s = %.1f%%\n", busy.Seconds(), dur, 100*busy.Seconds()/dur, cpu.Seconds(), 100*cpu.Seconds()/dur)
	var hyp []string
	for _, ev := range evs {
		if ev.e.Final && ev.e.Text != "" {
			hyp = append(hyp, ev.e.Text)
		}
	}
	fmt.Printf("  streaming finals WER %s\n", werOf(ref, strings.Join(hyp, " ")))
	for k, name := range []string{"wall time of each call (includes waiting for the shared CPU)", "CPU time of each call (a core of its own)"} {
		latencies(evs, k, name, ends, pause, so)
	}
}

// latencies prints the latencies of evs on clock k.
func latencies(evs []emitted, k int, name string, ends []float64, pause float64, so asr.StreamOptions) {
	var wordLat, finalLat, gapLat, clipLat []float64
	firstSeen := func(w asr.Word, upto int) float64 {
		for _, ev := range evs[:upto+1] {
			for _, pw := range ev.e.Words {
				if pw.Word == w.Word && pw.Start < w.End && w.Start < pw.End {
					return ev.at[k]
				}
			}
		}
		return evs[upto].at[k]
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
		for _, w := range ev.e.Words {
			wordLat = append(wordLat, firstSeen(w, i)-w.End)
		}
		last := ev.e.Words[len(ev.e.Words)-1].End
		finalLat = append(finalLat, ev.at[k]-last)
		// The pause as the stream's VAD saw it: the segment is cut
		// EndPause/2 into it (or later with MinSegment).
		gapLat = append(gapLat, ev.at[k]-(ev.e.End-so.EndPause/2))
		// The pause that closed it as the recording has it: the last
		// clip end before the cut, if the cut lies in the pause after it.
		if j, _ := slices.BinarySearch(ends, ev.e.End); j > 0 && ev.e.End-ends[j-1] <= pause {
			clipLat = append(clipLat, ev.at[k]-ends[j-1])
		}
	}
	fmt.Printf("  clock: %s\n", name)
	fmt.Printf("    %d finals, %d partials, %d words\n", finals, partials, len(wordLat))
	fmt.Printf("    word in a partial after its end: median %.2f s, p90 %.2f s\n", quantile(wordLat, 0.5), quantile(wordLat, 0.9))
	fmt.Printf("    final after the segment's last word: median %.2f s, p90 %.2f s\n", quantile(finalLat, 0.5), quantile(finalLat, 0.9))
	fmt.Printf("    final after the start of the pause that closed it (EndPause/2 before the cut): median %.2f s, p90 %.2f s\n", quantile(gapLat, 0.5), quantile(gapLat, 0.9))
	fmt.Printf("    final after the end of the clip whose pause closed it (%d of %d finals): median %.2f s, p90 %.2f s\n", len(clipLat), finals, quantile(clipLat, 0.5), quantile(clipLat, 0.9))
}

func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// loadTest runs N Vosk clients at once for N = 1, 2, 4, 8, 12, 16, 24, ...
// up to maxN, each sending x in real time, and prints the answer lag and the
// latency of words in partials, until the median of either is over 1 s.
func loadTest(m *asr.Model, x []float32, maxN int, so asr.StreamOptions) {
	h := server.New(server.Config{Load: func() (*asr.Model, error) { return m, nil }, Stream: server.StreamConfig{MaxStreams: -1, Options: so}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/v1/stream"
	pcm := make([]byte, 2*len(x))
	for i, v := range x {
		s := int16(max(-32768, min(32767, v*32768)))
		pcm[2*i], pcm[2*i+1] = byte(s), byte(uint16(s)>>8)
	}
	fmt.Printf("server load: N clients each send %.0f s in real time, 100 ms messages (GOMAXPROCS %d, wall clock);\n", float64(len(x))/16000, runtime.GOMAXPROCS(0))
	fmt.Printf("  lag = message sent to its answer; word = a final's word first in a partial (same word at the same place) after its end in the audio; final = after the segment's last word\n")
	for _, n := range []int{1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128} {
		if n > maxN {
			break
		}
		var mu sync.Mutex
		var all clientStats
		var wg sync.WaitGroup
		failed := 0
		cpu0, t0 := cpuTime(), time.Now()
		for c := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Stagger the starts over one chunk.
				time.Sleep(time.Duration(c) * 100 * time.Millisecond / time.Duration(n))
				st, err := client(url, pcm)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed++
					return
				}
				all.lag = append(all.lag, st.lag...)
				all.word = append(all.word, st.word...)
				all.final = append(all.final, st.final...)
			}()
		}
		wg.Wait()
		cpu := (cpuTime() - cpu0).Seconds() / time.Since(t0).Seconds()
		fmt.Printf("  N=%-3d lag median %.3f s, p90 %.3f s; word median %.2f s, p90 %.2f s; final median %.2f s, p90 %.2f s; %.0f%% of a core; %d failed\n",
			n, quantile(all.lag, 0.5), quantile(all.lag, 0.9), quantile(all.word, 0.5), quantile(all.word, 0.9), quantile(all.final, 0.5), quantile(all.final, 0.9), 100*cpu, failed)
		if quantile(all.lag, 0.5) > 1 || quantile(all.word, 0.5) > 1 || failed == n {
			break
		}
	}
}

// clientStats are one client's answer lags, word latencies in partials and
// final latencies, in seconds.
type clientStats struct{ lag, word, final []float64 }

// client streams pcm in real time and measures its answers. Chunk k holds
// the audio from 0.1 k to 0.1 (k+1) s and is sent at 0.1 k s: as a live
// source would send it at 0.1 (k+1) s, the audio clock is the wall clock
// since the start plus 0.1 s.
func client(url string, pcm []byte) (clientStats, error) {
	var st clientStats
	ctx := context.Background()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return st, err
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"config": {"sample_rate": 16000}}`)); err != nil {
		return st, err
	}
	const chunk = 3200
	start := time.Now()
	type shown struct {
		at    float64
		words []string
	}
	var partials []shown // the open segment's partials
	answer := func(b []byte) error {
		at := time.Since(start).Seconds() + 0.1
		var m struct {
			Partial *string `json:"partial"`
			Result  []struct {
				Word string  `json:"word"`
				End  float64 `json:"end"`
			} `json:"result"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		if m.Partial != nil {
			partials = append(partials, shown{at, strings.Fields(*m.Partial)})
			return nil
		}
		// A final's i-th word was first shown by the first partial whose
		// i-th word is the same, else by the final.
		for i, w := range m.Result {
			t := at
			for _, p := range partials {
				if i < len(p.words) && p.words[i] == w.Word {
					t = p.at
					break
				}
			}
			st.word = append(st.word, t-w.End)
		}
		if len(m.Result) > 0 {
			st.final = append(st.final, at-m.Result[len(m.Result)-1].End)
		}
		partials = partials[:0]
		return nil
	}
	for i, k := 0, 0; i < len(pcm); i, k = i+chunk, k+1 {
		time.Sleep(time.Until(start.Add(time.Duration(k) * 100 * time.Millisecond)))
		t0 := time.Now()
		if err := c.Write(ctx, websocket.MessageBinary, pcm[i:min(i+chunk, len(pcm))]); err != nil {
			return st, err
		}
		_, b, err := c.Read(ctx)
		if err != nil {
			return st, err
		}
		st.lag = append(st.lag, time.Since(t0).Seconds())
		if err := answer(b); err != nil {
			return st, err
		}
	}
	c.Write(ctx, websocket.MessageText, []byte(`{"eof": 1}`))
	if _, b, err := c.Read(ctx); err == nil {
		answer(b)
	}
	return st, nil
}
