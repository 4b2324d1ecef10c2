//go:build unix

// Command align is the helper of scripts/bench/align.sh: it builds test
// audio whose word boundaries are known, aligns it with asr.Recognizer.Align,
// and scores word boundaries against the truth.
//
//	align build -data DATA -out DIR [-files 40] [-words 10] [-seed 26]
//	align ours -dir DIR [-beam 100] [-raw] > DIR/ours.tsv
//	align score -dir DIR HYP.tsv          (HYP: id, index, word, start, end)
//	align ctm -dir DIR CTM > HYP.tsv      (pocketsphinx -ctm to HYP form)
//	align long -dir DIR -seconds 3600 OUT.wav OUT.txt [OUT.truth.tsv]
//
// build concatenates isolated real words: FSDD digits of speaker nicolas
// (held out of training; 8 kHz, resampled to 16 kHz) and Speech Commands
// dev words (MP3), with 0.1-0.8 s between them of silence (a -90 dBFS
// floor) or noise (white, -60 to -40 dBFS). The true start and end of each
// word are found on the isolated clip alone, by an energy threshold (see
// bounds), and offset by the clip's place in the file. It writes
// DIR/wav/ID.wav, DIR/text/ID.txt (the words, one line), DIR/jsgf/ID.gram (a
// fixed-sentence grammar for pocketsphinx), DIR/ctl and DIR/truth.tsv.
//
// ours aligns every file with the default model on the cores GOMAXPROCS
// allows, prints the words as HYP lines, and reports on stderr the audio
// seconds, the wall and CPU seconds (getrusage, this process) of Align, and
// of the Viterbi search alone (ctc.ForcedAlign, the exact search Align runs
// on files of this length, on the same frames, timed
// apart), as multiples of real time.
//
// score prints the median, 95th percentile and mean absolute boundary error
// (starts and ends together, then each), the share within 30 and 100 ms, and
// how many words the hypothesis lacks (counted, and left out of the
// percentiles), and the signed errors' median and 10th and 90th percentiles
// (a constant bias shows there). It prints the same figures for the sharp
// boundaries alone: those whose truth is itself known to 0.1 s, since a
// threshold 3 dB lower or higher moves them 0.1 s or less (see bounds). A
// weak fricative or release at the level of the clip's own background
// makes an edge that is not: the truth itself is uncertain there by more
// than the tolerance measured.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/ctc"
	"github.com/ecoute/ecoute/text"
)

const rate = 16000

// strictTruth (-truth strict, the default): see bounds. -truth energy is
// the bench's first truth, kept to compare with earlier figures.
var strictTruth = true

const (
	maxInnerQuiet    = 15 // frames (0.15 s)
	sharpDB          = 3.0
	sharpFrames      = 10 // frames (0.1 s)
	digitalSilenceDB = -100.0
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: align build|ours|score|ctm|long ...")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	data := fs.String("data", "../shared/data/speech", "speech data folder")
	dir := fs.String("dir", "", "test folder (build: -out)")
	out := fs.String("out", "", "output folder (build)")
	files := fs.Int("files", 40, "files to build")
	words := fs.Int("words", 10, "words per file")
	seed := fs.Uint64("seed", 26, "random seed")
	split := fs.String("split", "dev", "build: dev (held-out speakers: FSDD nicolas, speech-commands-dev) or train (FSDD's other speakers, speech-commands-train), for calibration")
	beam := fs.Float64("beam", 0, "alignment beam of long stretches with no anchor (0: asr default)")
	raw := fs.Bool("raw", false, "ours: the Viterbi path's label frames, edges not refined (asr.AlignOptions.Raw)")
	truth := fs.String("truth", "strict", "build: strict (the floor leaves out the MP3 decoder's digital silence; clips with 0.15 s of quiet inside the word are skipped) or energy (the first truth: any clip the threshold finds a word in)")
	seconds := fs.Float64("seconds", 3600, "length of the long file (long)")
	fs.Parse(os.Args[2:])
	if *truth != "strict" && *truth != "energy" {
		fmt.Fprintf(os.Stderr, "align: unknown -truth %q (want strict or energy)\n", *truth)
		os.Exit(2)
	}
	strictTruth = *truth == "strict"
	var err error
	switch os.Args[1] {
	case "build":
		err = build(*data, *out, *split, *files, *words, *seed)
	case "ours":
		err = ours(*dir, asr.AlignOptions{Beam: *beam, Raw: *raw})
	case "score":
		err = score(*dir, fs.Arg(0))
	case "ctm":
		err = ctm(fs.Arg(0))
	case "long":
		err = long(*dir, *seconds, fs.Arg(0), fs.Arg(1), fs.Arg(2))
	default:
		err = errors.New("unknown command " + os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "align:", err)
		os.Exit(1)
	}
}

type clip struct{ path, word string }

// readTSV returns the clips of a corpus folder's transcripts.tsv whose
// speaker column passes keep.
func readTSV(folder string, keep func(speaker string) bool) ([]clip, error) {
	b, err := os.ReadFile(filepath.Join(folder, "transcripts.tsv"))
	if err != nil {
		return nil, err
	}
	var out []clip
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 3 || !keep(f[2]) {
			continue
		}
		out = append(out, clip{filepath.Join(folder, f[0]), f[1]})
	}
	return out, nil
}

func decode(path string) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := audio.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return audio.Resample(p.Samples, p.Rate, rate), nil
}

// bounds finds the speech in an isolated clip: 10 ms frames, energy in dB;
// the threshold is 35 dB under the loudest frame or 10 dB over the noise
// floor (the 10th percentile of frames), whichever is higher; speech runs
// from the first to the last frame that starts 3 frames in a row above it.
// ok is false when the clip's floor is within 20 dB of its peak (too noisy
// for its boundary to mean anything), or when an untrimmed clip's speech
// runs into its first or last 30 ms (its level never falls back to the
// floor there, so the edge found would be the clip's). For a trimmed clip (FSDD's are cut to
// the word by their authors, so most of their frames are speech and the
// 10th percentile is not a noise floor) the threshold is the 35 dB one.
//
// With strictTruth (the default) the floor leaves out frames of digital
// silence (under -100 dB): the MP3 decoder's padding at the ends of a Speech
// Commands clip, whose zeros made the 10th percentile fall to -120 dB, so
// that the 35 dB threshold, not the clip's own background, decided, and
// the word's "start" could fall inside a steady background; and a clip whose
// word holds 0.15 s or more of quiet is skipped (a stop's closure is
// shorter: two sounds, a breath or a click beside the word, were taken in).
//
// sharp says, for the start and the end, whether the edge is known to 0.1
// s: a threshold sharpDB lower or higher moves it sharpFrames or less.
func bounds(x []float32, trimmed bool) (start, end float64, sharp [2]bool, ok bool) {
	hop := rate / 100
	n := len(x) / hop
	if n < 5 {
		return 0, 0, sharp, false
	}
	db := make([]float64, n)
	for i := range db {
		var s float64
		for _, v := range x[i*hop : (i+1)*hop] {
			s += float64(v) * float64(v)
		}
		db[i] = 10 * math.Log10(s/float64(hop)+1e-12)
	}
	// Frames of digital silence (the MP3 decoder's padding at either end
	// of a clip) are not the clip's background: left out of the floor.
	var sorted []float64
	for _, v := range db {
		if v > digitalSilenceDB || !strictTruth {
			sorted = append(sorted, v)
		}
	}
	if len(sorted) < 5 {
		return 0, 0, sharp, false
	}
	sort.Float64s(sorted)
	peak, floor := sorted[len(sorted)-1], sorted[len(sorted)/10]
	thr := peak - 35
	if !trimmed {
		if peak-floor < 20 {
			return 0, 0, sharp, false
		}
		thr = max(thr, floor+10)
	}
	edges := func(thr float64) (a, b int) {
		run := func(i, d int) bool {
			for k := range 3 {
				j := i + d*k
				if j < 0 || j >= n || db[j] < thr {
					return false
				}
			}
			return true
		}
		a, b = -1, -1
		for i := 0; i < n && a < 0; i++ {
			if run(i, 1) {
				a = i
			}
		}
		for i := n - 1; i >= 0 && b < 0; i-- {
			if run(i, -1) {
				b = i
			}
		}
		return a, b
	}
	a, b := edges(thr)
	if a < 0 || b < a {
		return 0, 0, sharp, false
	}
	// An untrimmed clip whose "speech" runs into its first or last 30 ms
	// has a level that never falls back to its floor (background noise
	// louder than the threshold): the edge found there is the clip's, not
	// the word's.
	if !trimmed && (a < 3 || b > n-4) {
		return 0, 0, sharp, false
	}
	if strictTruth {
		// One word, one stretch of sound: no quiet of maxInnerQuiet or
		// more inside it (a stop's closure is shorter; a longer one
		// means a second sound event, a breath or a click, was taken in).
		q := 0
		for i := a; i <= b; i++ {
			if db[i] < thr {
				q++
				if q >= maxInnerQuiet {
					return 0, 0, sharp, false
				}
			} else {
				q = 0
			}
		}
	}
	// An edge is sharp when a threshold sharpDB lower or higher moves it
	// sharpFrames or less.
	sharp = [2]bool{true, true}
	for _, t := range []float64{thr - sharpDB, thr + sharpDB} {
		a2, b2 := edges(t)
		sharp[0] = sharp[0] && a2 >= 0 && abs(a2-a) <= sharpFrames
		sharp[1] = sharp[1] && b2 >= 0 && abs(b2-b) <= sharpFrames
	}
	return float64(a*hop) / rate, float64((b+1)*hop) / rate, sharp, true
}

func build(data, out, split string, nFiles, nWords int, seed uint64) error {
	// dev: the held-out speakers, for evaluation. train: the training
	// speakers, for calibrating AlignOptions' constants away from dev.
	digitSpeaker := func(s string) bool { return s == "nicolas" }
	commands := "speech-commands-dev"
	switch split {
	case "dev":
	case "train":
		digitSpeaker = func(s string) bool { return s != "nicolas" }
		commands = "speech-commands-train"
	default:
		return fmt.Errorf("unknown split %q (want dev or train)", split)
	}
	digits, err := readTSV(filepath.Join(data, "fsdd-train"), digitSpeaker)
	if err != nil {
		return err
	}
	words, err := readTSV(filepath.Join(data, commands), func(string) bool { return true })
	if err != nil {
		return err
	}
	if len(digits) == 0 || len(words) == 0 {
		return errors.New("no clips found")
	}
	for _, d := range []string{"wav", "text", "jsgf"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(seed, 26))
	var truth, ctl strings.Builder
	skipped, total := 0, 0.0
	for f := range nFiles {
		id := fmt.Sprintf("align%03d", f)
		var x []float32
		var ws []string
		gapNoise := func(n int) {
			lvl := math.Pow(10, -90.0/20)
			if rng.IntN(2) == 0 {
				lvl = math.Pow(10, (-60+20*rng.Float64())/20)
			}
			for range n {
				x = append(x, float32(lvl*rng.NormFloat64()))
			}
		}
		gapNoise(int((0.1 + 0.7*rng.Float64()) * rate))
		for len(ws) < nWords {
			c, trimmed := words[rng.IntN(len(words))], false
			if rng.IntN(2) == 0 {
				c, trimmed = digits[rng.IntN(len(digits))], true
			}
			y, err := decode(c.path)
			if err != nil {
				return err
			}
			s, e, sharp, ok := bounds(y, trimmed)
			if !ok {
				skipped++
				continue
			}
			off := float64(len(x)) / rate
			fmt.Fprintf(&truth, "%s\t%d\t%s\t%.4f\t%.4f\t%d\t%d\n", id, len(ws), c.word, off+s, off+e, b2i(sharp[0]), b2i(sharp[1]))
			ws = append(ws, c.word)
			x = append(x, y...)
			gapNoise(int((0.1 + 0.7*rng.Float64()) * rate))
		}
		total += float64(len(x)) / rate
		if err := writeWAV(filepath.Join(out, "wav", id+".wav"), x); err != nil {
			return err
		}
		line := strings.Join(ws, " ")
		if err := os.WriteFile(filepath.Join(out, "text", id+".txt"), []byte(line+"\n"), 0o644); err != nil {
			return err
		}
		gram := fmt.Sprintf("#JSGF V1.0;\ngrammar sentence;\npublic <s> = %s;\n", line)
		if err := os.WriteFile(filepath.Join(out, "jsgf", id+".gram"), []byte(gram), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(&ctl, id)
	}
	fmt.Fprintf(os.Stderr, "built %d files, %d words, %.1f s of audio; %d clips skipped (too noisy for an energy boundary, or two sounds)\n", nFiles, nFiles*nWords, total, skipped)
	if err := os.WriteFile(filepath.Join(out, "ctl"), []byte(ctl.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "truth.tsv"), []byte(truth.String()), 0o644)
}

func writeWAV(path string, x []float32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := audio.EncodeWAV(f, x, rate); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func ids(dir string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "ctl"))
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(b)), nil
}

func ours(dir string, o asr.AlignOptions) error {
	m, err := asr.Default()
	if err != nil {
		return err
	}
	r := asr.NewRecognizer(m, asr.DefaultOptions())
	list, err := ids(dir)
	if err != nil {
		return err
	}
	vocab := map[rune]int{}
	for i, p := range m.Config.Tokenizer.Vocab {
		if rs := []rune(p); len(rs) == 1 && i != m.Config.Tokenizer.Blank {
			vocab[rs[0]] = i
		}
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	var audioSec, wall, cpu, vWall, vCPU float64
	for _, id := range list {
		f, err := os.Open(filepath.Join(dir, "wav", id+".wav"))
		if err != nil {
			return err
		}
		p, err := audio.Decode(f)
		f.Close()
		if err != nil {
			return err
		}
		txt, err := os.ReadFile(filepath.Join(dir, "text", id+".txt"))
		if err != nil {
			return err
		}
		t0, c0 := time.Now(), cpuSeconds()
		res, err := r.Align(p, string(txt), o)
		wall += time.Since(t0).Seconds()
		cpu += cpuSeconds() - c0
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		audioSec += res.Duration
		for i, aw := range res.Words {
			fmt.Fprintf(w, "%s\t%d\t%s\t%.4f\t%.4f\n", id, i, aw.Word, aw.Start, aw.End)
		}
		// The Viterbi search alone, on the same network output.
		lp, _, err := r.LogProbs(p)
		if err != nil {
			return err
		}
		var target []int
		for _, ch := range strings.Join(strings.Fields(text.Normalize(string(txt))), " ") {
			if id, ok := vocab[ch]; ok {
				target = append(target, id)
			}
		}
		t0, c0 = time.Now(), cpuSeconds()
		if _, err := ctc.ForcedAlign(lp, target, m.Config.Tokenizer.Blank); err != nil {
			return fmt.Errorf("%s: viterbi: %w", id, err)
		}
		vWall += time.Since(t0).Seconds()
		vCPU += cpuSeconds() - c0
	}
	fmt.Fprintf(os.Stderr, "ours: %d files, %.1f s of audio, GOMAXPROCS=%d\n", len(list), audioSec, runtime.GOMAXPROCS(0))
	fmt.Fprintf(os.Stderr, "ours: Align (network + search): wall %.2f s (%.0fx real time), CPU %.2f s (%.0fx real time per CPU second)\n", wall, audioSec/wall, cpu, audioSec/cpu)
	fmt.Fprintf(os.Stderr, "ours: Viterbi search alone:     wall %.3f s (%.0fx real time), CPU %.3f s (%.0fx real time per CPU second)\n", vWall, audioSec/vWall, vCPU, audioSec/vCPU)
	return nil
}

type span struct {
	word       string
	start, end float64
	sharp      [2]bool // truth only: the start's and the end's (see bounds)
}

// readHyp reads id, index, word, start, end lines; a truth's have two more
// fields, 1 where the start and the end are sharp.
func readHyp(path string) (map[string][]span, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string][]span{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 5 {
			continue
		}
		s, err1 := strconv.ParseFloat(f[3], 64)
		e, err2 := strconv.ParseFloat(f[4], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		sp := span{word: strings.ToLower(f[2]), start: s, end: e}
		if len(f) >= 7 {
			sp.sharp = [2]bool{f[5] == "1", f[6] == "1"}
		}
		out[f[0]] = append(out[f[0]], sp)
	}
	return out, nil
}

func pct(x []float64, p float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	sort.Float64s(s)
	return s[max(0, min(len(s)-1, int(math.Ceil(p*float64(len(s))))-1))]
}

func score(dir, hypPath string) error {
	truth, err := readHyp(filepath.Join(dir, "truth.tsv"))
	if err != nil {
		return err
	}
	hyp, err := readHyp(hypPath)
	if err != nil {
		return err
	}
	var starts, ends, sStarts, sEnds []float64 // absolute and signed errors, ms
	var sharp []float64                        // absolute errors of sharp edges
	missing, nWords := 0, 0
	for id, ts := range truth {
		hs := hyp[id]
		// Match words in order (the hypothesis may lack some).
		j := 0
		for _, t := range ts {
			nWords++
			k := j
			for k < len(hs) && hs[k].word != t.word {
				k++
			}
			if k == len(hs) {
				missing++
				continue
			}
			starts = append(starts, 1000*math.Abs(hs[k].start-t.start))
			ends = append(ends, 1000*math.Abs(hs[k].end-t.end))
			sStarts = append(sStarts, 1000*(hs[k].start-t.start))
			sEnds = append(sEnds, 1000*(hs[k].end-t.end))
			if t.sharp[0] {
				sharp = append(sharp, starts[len(starts)-1])
			}
			if t.sharp[1] {
				sharp = append(sharp, ends[len(ends)-1])
			}
			j = k + 1
		}
	}
	all := append(slices.Clone(starts), ends...)
	within := func(x []float64, ms float64) float64 {
		n := 0
		for _, v := range x {
			if v <= ms {
				n++
			}
		}
		return 100 * float64(n) / float64(max(1, len(x)))
	}
	mean := func(x []float64) float64 {
		var s float64
		for _, v := range x {
			s += v
		}
		return s / float64(max(1, len(x)))
	}
	fmt.Printf("%s: %d words, %d not in the output\n", hypPath, nWords, missing)
	for _, c := range []struct {
		name string
		x    []float64
	}{{"all boundaries", all}, {"starts", starts}, {"ends", ends}, {"sharp ones", sharp}} {
		fmt.Printf("  %-15s median %5.1f ms  p95 %6.1f ms  mean %6.1f ms  <=30 ms %5.1f%%  <=100 ms %5.1f%%\n",
			c.name, pct(c.x, 0.5), pct(c.x, 0.95), mean(c.x), within(c.x, 30), within(c.x, 100))
	}
	fmt.Printf("  (sharp: %d of the %d boundaries, those a threshold %.0f dB lower or higher moves %d ms or less)\n",
		len(sharp), len(all), sharpDB, 10*sharpFrames)
	// Signed: negative is early. A constant bias shows here.
	fmt.Printf("  signed (aligned - true): starts median %+.1f ms (10th %+.1f, 90th %+.1f), ends median %+.1f ms (10th %+.1f, 90th %+.1f)\n",
		pct(sStarts, 0.5), pct(sStarts, 0.1), pct(sStarts, 0.9), pct(sEnds, 0.5), pct(sEnds, 0.1), pct(sEnds, 0.9))
	return nil
}

// ctm converts pocketsphinx's CTM (uttid channel start duration word
// [confidence]) to HYP lines, dropping fillers (<sil>, <s>, </s>, [NOISE]
// and the like) and pronunciation variants' "(2)".
func ctm(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	n := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || strings.HasPrefix(f[0], ";;") {
			continue
		}
		w := f[4]
		if strings.HasPrefix(w, "<") || strings.HasPrefix(w, "[") || strings.HasPrefix(w, "++") {
			continue
		}
		if i := strings.IndexByte(w, '('); i > 0 {
			w = w[:i]
		}
		s, _ := strconv.ParseFloat(f[2], 64)
		d, _ := strconv.ParseFloat(f[3], 64)
		fmt.Printf("%s\t%d\t%s\t%.4f\t%.4f\n", f[0], n[f[0]], w, s, s+d)
		n[f[0]]++
	}
	return nil
}

// long writes a WAV of about seconds made of the test files back to back
// (in a loop) and their texts, for the memory and speed of a long alignment.
func long(dir string, seconds float64, wavPath, textPath, truthPath string) error {
	list, err := ids(dir)
	if err != nil {
		return err
	}
	truth, err := readHyp(filepath.Join(dir, "truth.tsv"))
	if err != nil {
		return err
	}
	var tw strings.Builder // the truth of the long file: id "long"
	nw := 0
	f, err := os.Create(wavPath)
	if err != nil {
		return err
	}
	defer f.Close()
	// Stream 16-bit PCM with a header written for the final length.
	n := int(seconds * rate)
	hdr := make([]byte, 44)
	copy(hdr, "RIFF")
	putU32(hdr[4:], uint32(36+2*n))
	copy(hdr[8:], "WAVEfmt ")
	putU32(hdr[16:], 16)
	hdr[20], hdr[22] = 1, 1
	putU32(hdr[24:], rate)
	putU32(hdr[28:], 2*rate)
	hdr[32], hdr[34] = 2, 16
	copy(hdr[36:], "data")
	putU32(hdr[40:], uint32(2*n))
	w := bufio.NewWriter(f)
	w.Write(hdr)
	var txt strings.Builder
	written := 0
	for k := 0; written < n; k++ {
		id := list[k%len(list)]
		x, err := decode(filepath.Join(dir, "wav", id+".wav"))
		if err != nil {
			return err
		}
		t, err := os.ReadFile(filepath.Join(dir, "text", id+".txt"))
		if err != nil {
			return err
		}
		if written+len(x) > n { // pad the end with quiet rather than cut a word
			x = make([]float32, n-written)
		} else {
			txt.WriteString(strings.TrimSpace(string(t)))
			txt.WriteString("\n")
			off := float64(written) / rate
			for _, sp := range truth[id] {
				fmt.Fprintf(&tw, "long\t%d\t%s\t%.4f\t%.4f\t%d\t%d\n", nw, sp.word, off+sp.start, off+sp.end, b2i(sp.sharp[0]), b2i(sp.sharp[1]))
				nw++
			}
		}
		for _, v := range x {
			s := int16(max(-32768, min(32767, math.Round(float64(v)*32768))))
			w.WriteByte(byte(s))
			w.WriteByte(byte(s >> 8))
		}
		written += len(x)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if truthPath != "" {
		if err := os.WriteFile(truthPath, []byte(tw.String()), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(textPath, []byte(txt.String()), 0o644)
}

func putU32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
