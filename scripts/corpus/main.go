// Command corpus builds ecoute's training corpus: it extracts sentence
// prompts from the shared text corpora, normalizes them with text.Normalize,
// reads them aloud with espeak-ng, flite and festival (16 kHz mono 16-bit
// WAV through sox), keeps one synthetic voice out of training, and writes
// manifests that mix in the shared real recordings. See README.md.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ecoute/ecoute/audio"
)

const usage = `corpus turns text prompts into ecoute's speech training corpus.

Usage:
  go run ./scripts/corpus [flags]

Examples:
  # the default recipe: 12000 synthetic training utterances, 200 held-out ones
  go run ./scripts/corpus -out /work/corpus -n 12000 -seed 1

  # a quick first batch; the same command with a larger -n later resumes and
  # adds to it (the first 3000 utterances are identical in both runs)
  go run ./scripts/corpus -out /work/corpus -n 3000 -seed 1

  # only the prompt lists and the real-speech manifests, no synthesis
  go run ./scripts/corpus -out /tmp/c -n 12000 -dry-run

  # only espeak-ng and flite voices
  go run ./scripts/corpus -out /tmp/c -n 500 -engines espeak-ng,flite

What it does:
  1. Prompts: sentences of -min-words..-max-words words from the Harvard
     sentences, five Gutenberg novels, State of the Union addresses and the
     inaugural addresses from 1900 on (under -text), normalized by
     text.Normalize (lower-case letters, apostrophes, spaces), deduplicated,
     shuffled with -seed. Sentences that equal a speechocean762-dev
     transcript are dropped. The first -heldout prompts form the held-out
     set; the next -n are the training prompts.
  2. Synthesis: each training prompt gets one voice drawn with -seed:
     espeak-ng (45%: accents en-us, en-us-nyc, en, en-gb-x-rp,
     en-gb-scotland, en-gb-x-gbclan, en-gb-x-gbcwmd, en-029; variants
     m1..m7, f1..f5, klatt..klatt4 and others; 130-190 wpm; pitch 25-75),
     flite (40%: kal, kal16, awb, rms, slt; duration stretch 0.85-1.2),
     festival kal_diphone (15%; duration stretch 0.85-1.2). The held-out
     prompts are read by festival cmu_us_slt_arctic_hts, a voice never used
     for training. sox converts everything to 16 kHz mono 16-bit WAV.
     Existing WAV files are kept, so an interrupted run resumes.
  3. Manifests (path<TAB>transcript<TAB>voice, no header, absolute paths):
       train.tsv          synthetic training utterances
       heldout.tsv        held-out voice (evaluation only)
       so762-train.tsv    speechocean762-train and -train-more (real, 2,000
                          utterances of 100 speakers; transcripts normalized)
       so762-dev.tsv      speechocean762-dev (real; evaluation only)
       so762-dev500.tsv   speechocean762-dev and -dev-more (500; evaluation)
       sc-train.tsv       speech-commands-train (real native single words)
       sc-dev.tsv         speech-commands-dev (evaluation only)
       fsdd-train3.tsv    FSDD speakers george, jackson, lucas (training)
       fsdd-test.tsv      FSDD speaker nicolas (evaluation only)
       train-all.tsv      train.tsv + so762-train x -so-repeat
                          + fsdd-train3 x -fsdd-repeat
                          + sc-train x -sc-repeat, shuffled
     and text for the language model:
       prompts-train.txt  every transcript of train-all.tsv, once each
       plan.tsv           path, voice, settings, text read, transcript
                          for every planned utterance (if the synthesizer
                          fails on the punctuated text, it reads the
                          transcript instead)
       lm-text.txt        all normalized sentences of the same text sources
                          (any length >= 2 words) plus the real training
                          transcripts x -lm-real-repeat, minus held-out and
                          dev sentences, then -lm-digit-strings random
                          digit strings

Flags:
`

func main() {
	var (
		out       = flag.String("out", "/work/corpus", "output folder (created)")
		textDir   = flag.String("text", "/work/shared/data/text", "shared text corpora")
		speechDir = flag.String("speech", "/work/shared/data/speech", "shared real speech")
		n         = flag.Int("n", 12000, "number of synthetic training utterances")
		heldout   = flag.Int("heldout", 200, "number of held-out voice utterances")
		seed      = flag.Uint64("seed", 1, "seed for the prompt shuffle and the voice draws")
		jobs      = flag.Int("j", 2, "synthesis worker processes")
		niceness  = flag.Int("nice", 10, "run synthesizers under nice -n this (0: not niced)")
		minWords  = flag.Int("min-words", 3, "shortest prompt in words")
		maxWords  = flag.Int("max-words", 20, "longest prompt in words")
		soRepeat  = flag.Int("so-repeat", 3, "times speechocean762-train appears in train-all.tsv")
		fsRepeat  = flag.Int("fsdd-repeat", 2, "times the FSDD training speakers appear in train-all.tsv")
		scRepeat  = flag.Int("sc-repeat", 2, "times speech-commands-train appears in train-all.tsv")
		lmDigits  = flag.Int("lm-digit-strings", 2000, "random digit strings (2-8 digits) added to lm-text.txt")
		lmRepeat  = flag.Int("lm-real-repeat", 5, "times each real training transcript appears in lm-text.txt (weights the LM towards spoken prompts)")
		engines   = flag.String("engines", "espeak-ng,flite,festival", "comma-separated training engines")
		dryRun    = flag.Bool("dry-run", false, "write prompts and real-speech manifests, synthesize nothing")
	)
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), usage)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	enabled := map[string]bool{}
	for _, e := range strings.Split(*engines, ",") {
		switch e = strings.TrimSpace(e); e {
		case "espeak-ng", "flite", "festival":
			enabled[e] = true
		default:
			fmt.Fprintf(os.Stderr, "corpus: unknown engine %q (want espeak-ng, flite, festival)\n", e)
			os.Exit(2)
		}
	}
	if *n < 0 || *heldout < 0 || *jobs < 1 || *minWords < 1 || *maxWords < *minWords || *soRepeat < 0 || *fsRepeat < 0 || *lmRepeat < 0 || *scRepeat < 0 || *lmDigits < 0 {
		fmt.Fprintln(os.Stderr, "corpus: bad flag values; see -help")
		os.Exit(2)
	}
	c := &config{
		out: *out, textDir: *textDir, speechDir: *speechDir, n: *n, heldout: *heldout,
		seed: *seed, jobs: *jobs, niceness: *niceness, minWords: *minWords, maxWords: *maxWords,
		soRepeat: *soRepeat, fsRepeat: *fsRepeat, scRepeat: *scRepeat, lmRepeat: *lmRepeat, lmDigits: *lmDigits, enabled: enabled, dryRun: *dryRun,
	}
	if err := c.run(); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}

type config struct {
	out, textDir, speechDir string
	n, heldout              int
	seed                    uint64
	jobs, niceness          int
	minWords, maxWords      int
	soRepeat, fsRepeat      int
	scRepeat                int
	lmRepeat, lmDigits      int
	enabled                 map[string]bool
	dryRun                  bool
}

// An utt is one planned synthetic utterance.
type utt struct {
	id    string
	s     sentence
	voice voiceSpec
	path  string // absolute WAV path
}

// A line is one manifest row.
type line struct{ path, transcript, voice string }

func (c *config) run() error {
	out, err := filepath.Abs(c.out)
	if err != nil {
		return err
	}
	c.out = out
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	if !c.dryRun {
		if err := checkTools(c.enabled); err != nil {
			return err
		}
	}

	// Real speech first: its dev transcripts are kept out of the prompts.
	real, err := c.realManifests()
	if err != nil {
		return err
	}
	devText := map[string]bool{}
	for _, l := range real["so762-dev"] {
		devText[l.transcript] = true
	}

	t0 := time.Now()
	all, err := readSources(c.textDir)
	if err != nil {
		return err
	}
	// Deduplicated prompts of the right length, in source order, then shuffled.
	seen := map[string]bool{}
	var pool []sentence
	for _, s := range all {
		w := len(strings.Fields(s.norm))
		if w < c.minWords || w > c.maxWords || seen[s.norm] || devText[s.norm] {
			continue
		}
		seen[s.norm] = true
		pool = append(pool, s)
	}
	r := rand.New(rand.NewPCG(c.seed, 0x636f72707573)) // "corpus"
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	bySource := map[string]int{}
	for _, s := range pool {
		bySource[s.source]++
	}
	fmt.Fprintf(os.Stderr, "prompts: %d sentences read, %d distinct prompts of %d-%d words (harvard %d, gutenberg %d, sotu %d, inaugural %d) in %.1fs\n",
		len(all), len(pool), c.minWords, c.maxWords, bySource["harvard"], bySource["gutenberg"],
		bySource["sotu"], bySource["inaugural"], time.Since(t0).Seconds())
	if c.heldout+c.n > len(pool) {
		return fmt.Errorf("-heldout %d + -n %d exceeds the %d available prompts", c.heldout, c.n, len(pool))
	}

	// The WAV files are named by position in the shuffled pool, so a folder
	// made from another pool (other sources, code or -seed) must not be
	// resumed: its files would carry the wrong transcripts.
	if err := c.checkFingerprint(pool); err != nil {
		return err
	}

	var held, train []utt
	for i, s := range pool[:c.heldout] {
		id := fmt.Sprintf("h%05d", i)
		held = append(held, utt{id: id, s: s, voice: heldOutVoice,
			path: filepath.Join(c.out, "heldout", id+".wav")})
	}
	for i, s := range pool[c.heldout : c.heldout+c.n] {
		// Each utterance's voice depends only on the seed and its index, so
		// a larger -n keeps the earlier utterances as they were.
		vr := rand.New(rand.NewPCG(c.seed, uint64(i)))
		id := fmt.Sprintf("s%06d", i)
		train = append(train, utt{id: id, s: s, voice: pickVoice(vr, c.enabled),
			path: filepath.Join(c.out, "wav", id[:4], id+".wav")})
	}

	// Text for the language model: every sentence of the sources, minus the
	// held-out and dev ones.
	excluded := map[string]bool{}
	for _, u := range held {
		excluded[u.s.norm] = true
	}
	for t := range devText {
		excluded[t] = true
	}
	if err := c.writeText(all, excluded, real); err != nil {
		return err
	}
	if err := c.writeRealManifests(real); err != nil {
		return err
	}
	if err := c.writePlan(append(append([]utt(nil), train...), held...)); err != nil {
		return err
	}

	if !c.dryRun {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
		var stopped bool
		var mu sync.Mutex
		go func() {
			<-stop
			mu.Lock()
			stopped = true
			mu.Unlock()
			fmt.Fprintln(os.Stderr, "\ncorpus: interrupted; finishing running jobs and writing manifests")
		}()
		isStopped := func() bool { mu.Lock(); defer mu.Unlock(); return stopped }
		todo := append(append([]utt(nil), train...), held...)
		failed := c.synthesizeAll(todo, isStopped, func() error { return c.writeSynthManifests(held, train, real) })
		if failed > 0 {
			fmt.Fprintf(os.Stderr, "corpus: %d utterances failed (left out of the manifests)\n", failed)
		}
	}
	if err := c.writeSynthManifests(held, train, real); err != nil {
		return err
	}
	return c.summary()
}

// checkFingerprint records a hash of the prompt pool and the word-length
// limits in out/pool.sha256 and refuses to go on when one is there and
// differs.
func (c *config) checkFingerprint(pool []sentence) error {
	h := sha256.New()
	fmt.Fprintf(h, "%d %d %d\n", c.seed, c.minWords, c.maxWords)
	for _, s := range pool {
		io.WriteString(h, s.norm+"\n"+ttsText(s)+"\n")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	path := filepath.Join(c.out, "pool.sha256")
	old, err := os.ReadFile(path)
	switch {
	case err == nil && strings.TrimSpace(string(old)) != sum:
		return fmt.Errorf("%s was made from other prompts (pool.sha256 differs: other sources, code, -seed or word limits); use another -out or empty it", c.out)
	case err == nil:
		return nil
	case errors.Is(err, os.ErrNotExist):
		if c.dryRun {
			return nil
		}
		return os.WriteFile(path, []byte(sum+"\n"), 0o644)
	default:
		return err
	}
}

// synthesizeAll runs the jobs on c.jobs workers, skipping files that exist,
// with progress on stderr and a manifest checkpoint every 500 utterances.
func (c *config) synthesizeAll(todo []utt, stopped func() bool, checkpoint func() error) (failed int) {
	var pending []utt
	for _, u := range todo {
		if fileOK(u.path) {
			continue
		}
		pending = append(pending, u)
	}
	total := len(pending)
	fmt.Fprintf(os.Stderr, "synthesis: %d of %d utterances already present, %d to make with %d workers\n",
		len(todo)-total, len(todo), total, c.jobs)
	if total == 0 {
		return 0
	}
	work := make(chan utt)
	type result struct {
		u   utt
		err error
	}
	results := make(chan result)
	var wg sync.WaitGroup
	for w := 0; w < c.jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				txt := ttsText(u.s)
				err := synthesize(u.voice, txt, u.path, c.niceness)
				if err != nil && txt != u.s.norm {
					// Synthesizers occasionally crash on punctuation
					// (festival on ". . ."): the plain words are safe.
					err = synthesize(u.voice, u.s.norm, u.path, c.niceness)
				}
				results <- result{u, err}
			}
		}()
	}
	go func() {
		for _, u := range pending {
			if stopped() {
				break
			}
			work <- u
		}
		close(work)
		wg.Wait()
		close(results)
	}()
	tty := isTerminal(os.Stderr)
	start := time.Now()
	lastPrint := time.Time{}
	done := 0
	var audio float64
	for res := range results {
		done++
		if res.err != nil {
			failed++
			if failed <= 20 {
				fmt.Fprintf(os.Stderr, "\ncorpus: %s: %v\n", res.u.id, res.err)
			}
		} else if d, err := wavSeconds(res.u.path); err == nil {
			audio += d
		}
		if done%500 == 0 {
			if err := checkpoint(); err != nil {
				fmt.Fprintln(os.Stderr, "\ncorpus: checkpoint:", err)
			}
		}
		now := time.Now()
		if done == total || now.Sub(lastPrint) >= pick(tty, time.Second/2, 30*time.Second) {
			lastPrint = now
			el := now.Sub(start).Seconds()
			rate := float64(done) / el
			eta := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
			msg := fmt.Sprintf("synthesis: %d/%d (%.1f%%) %.2f utt/s, %.2f h audio, elapsed %s, ETA %s, %d failed",
				done, total, 100*float64(done)/float64(total), rate, audio/3600,
				time.Duration(el*float64(time.Second)).Round(time.Second), eta, failed)
			if tty {
				fmt.Fprintf(os.Stderr, "\r%s   ", msg)
			} else {
				fmt.Fprintln(os.Stderr, msg)
			}
		}
	}
	if tty {
		fmt.Fprintln(os.Stderr)
	}
	return failed
}

func pick[T any](b bool, x, y T) T {
	if b {
		return x
	}
	return y
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// fileOK reports whether path is a finished WAV file with some audio.
func fileOK(path string) bool {
	d, err := wavSeconds(path)
	return err == nil && d > 0
}

// realManifests reads the shared real speech into manifest lines, keyed by
// manifest name (without .tsv).
func (c *config) realManifests() (map[string][]line, error) {
	m := map[string][]line{}
	read := func(sub string, each func(fields map[string]string, l line)) error {
		dir := filepath.Join(c.speechDir, sub)
		f, err := os.Open(filepath.Join(dir, "transcripts.tsv"))
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		var header []string
		for sc.Scan() {
			cols := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
			if header == nil {
				header = cols
				continue
			}
			fields := map[string]string{}
			for i, h := range header {
				if i < len(cols) {
					fields[h] = cols[i]
				}
			}
			norm, ok := normalize(fields["transcript"])
			if !ok {
				fmt.Fprintf(os.Stderr, "corpus: %s: %q does not normalize to letters; skipped\n", sub, fields["transcript"])
				continue
			}
			each(fields, line{filepath.Join(dir, fields["path"]), norm, ""})
		}
		return sc.Err()
	}
	if err := read("speechocean762-train", func(f map[string]string, l line) {
		l.voice = "real:speechocean762:" + f["speaker"]
		m["so762-train"] = append(m["so762-train"], l)
	}); err != nil {
		return nil, err
	}
	if err := read("speechocean762-dev", func(f map[string]string, l line) {
		l.voice = "real:speechocean762:" + f["speaker"]
		m["so762-dev"] = append(m["so762-dev"], l)
	}); err != nil {
		return nil, err
	}
	if err := read("speechocean762-train-more", func(f map[string]string, l line) {
		l.voice = "real:speechocean762:" + f["speaker"]
		m["so762-train"] = append(m["so762-train"], l)
	}); err != nil {
		return nil, err
	}
	// The 500-utterance development set: speechocean762-dev and its -more.
	m["so762-dev500"] = append([]line(nil), m["so762-dev"]...)
	if err := read("speechocean762-dev-more", func(f map[string]string, l line) {
		l.voice = "real:speechocean762:" + f["speaker"]
		m["so762-dev500"] = append(m["so762-dev500"], l)
	}); err != nil {
		return nil, err
	}
	if err := read("speech-commands-train", func(f map[string]string, l line) {
		l.voice = "real:speech-commands:" + f["speaker"]
		m["sc-train"] = append(m["sc-train"], l)
	}); err != nil {
		return nil, err
	}
	if err := read("speech-commands-dev", func(f map[string]string, l line) {
		l.voice = "real:speech-commands:" + f["speaker"]
		m["sc-dev"] = append(m["sc-dev"], l)
	}); err != nil {
		return nil, err
	}
	if err := read("fsdd-train", func(f map[string]string, l line) {
		l.voice = "real:fsdd:" + f["speaker"]
		switch f["speaker"] {
		case "nicolas":
			m["fsdd-test"] = append(m["fsdd-test"], l)
		default:
			m["fsdd-train3"] = append(m["fsdd-train3"], l)
		}
	}); err != nil {
		return nil, err
	}
	return m, nil
}

// realNames are the real-speech manifests the corpus writes.
var realNames = []string{"so762-train", "so762-dev", "so762-dev500", "sc-train", "sc-dev", "fsdd-train3", "fsdd-test"}

// realTrainNames are the real manifests that training (and the LM text) uses.
var realTrainNames = []string{"so762-train", "sc-train", "fsdd-train3"}

func (c *config) writeRealManifests(real map[string][]line) error {
	for _, name := range realNames {
		if err := writeManifest(filepath.Join(c.out, name+".tsv"), real[name]); err != nil {
			return err
		}
	}
	return nil
}

// writeSynthManifests writes train.tsv, heldout.tsv, train-all.tsv and
// prompts-train.txt from the utterances whose WAV files exist.
func (c *config) writeSynthManifests(held, train []utt, real map[string][]line) error {
	existing := func(us []utt) []line {
		var ls []line
		for _, u := range us {
			if fileOK(u.path) {
				ls = append(ls, line{u.path, u.s.norm, u.voice.Label()})
			}
		}
		return ls
	}
	tr := existing(train)
	if err := writeManifest(filepath.Join(c.out, "train.tsv"), tr); err != nil {
		return err
	}
	if err := writeManifest(filepath.Join(c.out, "heldout.tsv"), existing(held)); err != nil {
		return err
	}
	all := append([]line(nil), tr...)
	for i := 0; i < c.soRepeat; i++ {
		all = append(all, real["so762-train"]...)
	}
	for i := 0; i < c.fsRepeat; i++ {
		all = append(all, real["fsdd-train3"]...)
	}
	for i := 0; i < c.scRepeat; i++ {
		all = append(all, real["sc-train"]...)
	}
	r := rand.New(rand.NewPCG(c.seed, 0x616c6c)) // "all"
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	if err := writeManifest(filepath.Join(c.out, "train-all.tsv"), all); err != nil {
		return err
	}
	seen := map[string]bool{}
	var prompts []string
	for _, l := range tr {
		if !seen[l.transcript] {
			seen[l.transcript] = true
			prompts = append(prompts, l.transcript)
		}
	}
	for _, name := range realTrainNames {
		for _, l := range real[name] {
			if !seen[l.transcript] {
				seen[l.transcript] = true
				prompts = append(prompts, l.transcript)
			}
		}
	}
	return writeLines(filepath.Join(c.out, "prompts-train.txt"), prompts)
}

// writeText writes lm-text.txt: the normalized sentences of all sources
// (two words or more, deduplicated, source order) minus excluded ones,
// followed by the distinct real training transcripts, each lmRepeat times.
// Repeating them weights the LM towards the kind of sentence people were
// recorded reading: with 5 copies the 3-gram LM's perplexity on
// speechocean762-dev's transcripts fell from 166 to 149.
func (c *config) writeText(all []sentence, excluded map[string]bool, real map[string][]line) error {
	seen := map[string]bool{}
	var ls []string
	for _, s := range all {
		if t := s.norm; len(strings.Fields(t)) >= 2 && !seen[t] && !excluded[t] {
			seen[t] = true
			ls = append(ls, t)
		}
	}
	ls = append(ls, realText(real, excluded, c.lmRepeat)...)
	ls = append(ls, digitStrings(c.lmDigits, c.seed)...)
	return writeLines(filepath.Join(c.out, "lm-text.txt"), ls)
}

// realText returns the distinct transcripts of the real training sets
// (speechocean762-train, then the FSDD training speakers), minus excluded
// ones, the whole list repeated n times.
func realText(real map[string][]line, excluded map[string]bool, n int) []string {
	seen := map[string]bool{}
	var once []string
	for _, name := range realTrainNames {
		for _, l := range real[name] {
			if !seen[l.transcript] && !excluded[l.transcript] {
				seen[l.transcript] = true
				once = append(once, l.transcript)
			}
		}
	}
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, once...)
	}
	return out
}

// digitStrings returns n strings of 2 to 8 random digit words ("two six four
// eight"), so that the LM knows digit sequences (PINs, phone numbers, the
// digit prompts people are recorded reading) and prefers them to homophones
// ("trees six for eight").
func digitStrings(n int, seed uint64) []string {
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	r := rand.New(rand.NewPCG(seed, 0x646967)) // "dig"
	out := make([]string, n)
	for i := range out {
		k := 2 + r.IntN(7)
		ws := make([]string, k)
		for j := range ws {
			ws[j] = words[r.IntN(len(words))]
		}
		out[i] = strings.Join(ws, " ")
	}
	return out
}

// writePlan writes plan.tsv: for every planned utterance its path, voice,
// voice settings, the text the synthesizer reads and the transcript.
func (c *config) writePlan(us []utt) error {
	rows := make([]string, len(us))
	for i, u := range us {
		rows[i] = strings.Join([]string{u.path, u.voice.Label(), u.voice.Params(), ttsText(u.s), u.s.norm}, "\t")
	}
	return writeLines(filepath.Join(c.out, "plan.tsv"), rows)
}

func writeManifest(path string, ls []line) error {
	rows := make([]string, len(ls))
	for i, l := range ls {
		rows[i] = l.path + "\t" + l.transcript + "\t" + l.voice
	}
	return writeLines(path, rows)
}

// writeLines writes rows atomically (temporary file, then rename).
func writeLines(path string, rows []string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, r := range rows {
		w.WriteString(r)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// summary prints utterances and hours per voice for every manifest.
func (c *config) summary() error {
	fmt.Printf("corpus in %s (manifests: path<TAB>transcript<TAB>voice, absolute paths)\n", c.out)
	for _, name := range append(append([]string{"train", "heldout"}, realNames...), "train-all") {
		path := filepath.Join(c.out, name+".tsv")
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		type agg struct {
			n   int
			sec float64
		}
		groups := map[string]*agg{}
		var tot agg
		durs := map[string]float64{}
		for _, row := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if row == "" {
				continue
			}
			f := strings.Split(row, "\t")
			if len(f) != 3 {
				return fmt.Errorf("%s: bad row %q", path, row)
			}
			d, ok := durs[f[0]]
			if !ok {
				if d, err = audioSeconds(f[0]); err != nil {
					return err
				}
				durs[f[0]] = d
			}
			// espeak-ng variants pooled per accent, real speakers per corpus.
			g, _, _ := strings.Cut(f[2], "+")
			g = strings.Join(strings.SplitN(g, ":", 3)[:min(2, strings.Count(g, ":")+1)], ":")
			a := groups[g]
			if a == nil {
				a = &agg{}
				groups[g] = a
			}
			a.n++
			a.sec += d
			tot.n++
			tot.sec += d
		}
		fmt.Printf("%-18s %6d utt %7.2f h\n", name+".tsv", tot.n, tot.sec/3600)
		keys := make([]string, 0, len(groups))
		for k := range groups {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("    %-36s %6d utt %7.3f h\n", k, groups[k].n, groups[k].sec/3600)
		}
	}
	return nil
}

// audioSeconds returns the duration of a WAV or FLAC file from its header,
// and of an MP3 file by decoding it.
func audioSeconds(path string) (float64, error) {
	if strings.HasSuffix(path, ".mp3") {
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		p, err := audio.Decode(f)
		if err != nil {
			return 0, fmt.Errorf("%s: %v", path, err)
		}
		return p.Duration().Seconds(), nil
	}
	if strings.HasSuffix(path, ".flac") {
		return flacSeconds(path)
	}
	return wavSeconds(path)
}

// wavSeconds reads a RIFF/WAVE header and returns the data chunk duration.
func wavSeconds(path string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	var hdr [12]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return 0, err
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return 0, errors.New(path + ": not a RIFF/WAVE file")
	}
	var byteRate uint32
	pos := int64(12)
	for {
		var ch [8]byte
		if _, err := io.ReadFull(f, ch[:]); err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		pos += 8
		size := binary.LittleEndian.Uint32(ch[4:])
		switch string(ch[:4]) {
		case "fmt ":
			var fm [16]byte
			if _, err := io.ReadFull(f, fm[:]); err != nil {
				return 0, fmt.Errorf("%s: %w", path, err)
			}
			byteRate = binary.LittleEndian.Uint32(fm[8:12])
			if _, err := f.Seek(int64(size)-16+int64(size&1), io.SeekCurrent); err != nil {
				return 0, err
			}
		case "data":
			if byteRate == 0 {
				return 0, errors.New(path + ": data before fmt")
			}
			n := int64(size)
			if left := st.Size() - pos; n > left {
				n = left // streamed headers carry a placeholder size
			}
			return float64(n) / float64(byteRate), nil
		default:
			if _, err := f.Seek(int64(size)+int64(size&1), io.SeekCurrent); err != nil {
				return 0, err
			}
		}
		pos += int64(size) + int64(size&1)
	}
}

// flacSeconds reads the STREAMINFO block of a FLAC file.
func flacSeconds(path string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var b [42]byte
	if _, err := io.ReadFull(f, b[:]); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	if string(b[:4]) != "fLaC" {
		return 0, errors.New(path + ": not a FLAC file")
	}
	si := b[8:] // after the 4-byte block header
	rate := uint32(si[10])<<12 | uint32(si[11])<<4 | uint32(si[12])>>4
	samples := uint64(si[13]&0x0f)<<32 | uint64(binary.BigEndian.Uint32(si[14:18]))
	if rate == 0 {
		return 0, errors.New(path + ": FLAC sample rate 0")
	}
	return float64(samples) / float64(rate), nil
}
