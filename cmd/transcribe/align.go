package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
	"github.com/ecoute/ecoute/audio"
)

func init() {
	register(&command{name: "align", summary: "align a known transcript to its audio (subtitles, word times)", run: runAlign})
}

// alignFormats are transcript.AlignFormats.
var alignFormats = transcript.AlignFormats

const alignHelp = `transcribe align: find where each word of a known text is spoken.

Usage:
  transcribe align [flags] AUDIO TEXT

AUDIO is a WAV, FLAC or MP3 file ("-" reads stdin); TEXT is a plain-text file
("-" reads stdin, not both). The text's words keep their written form
(punctuation and case) in the output; numbers and symbols are read out by the
normalizer ("42" is aligned as "forty two"). Words the model cannot spell at
all are kept and reported; words whose alignment scores low (the audio may
not say them) are flagged. Audio of any length is aligned in bounded memory.

Examples:
  transcribe align talk.wav talk.txt > talk.srt
  transcribe align --format vtt --max-chars 32 --max-seconds 4 clip.flac script.txt
  transcribe align --format json chapter.mp3 chapter.txt -o chapter.json
  transcribe align --format textgrid utt.wav utt.txt > utt.TextGrid   (Praat)

Formats (--format):
  srt, vtt   subtitles: a cue ends at a pause of --min-pause seconds, and when
             it would exceed --max-lines lines of --max-chars characters or
             --max-seconds on screen it is cut at the best place inside it:
             after a sentence's end, else after a comma or other clause
             mark, else at the longest pause
  json       {"file","words":[{"word","spoken","start","end","score",
             "confidence","found","low"}],"segments":[{"text","start","end",
             "first","last"}],"score","duration","processing_time"}; segments
             are the subtitle cues, first/last the indices of their words
  textgrid   Praat TextGrid (long text format), tiers "words" and "segments"

Exit status: 0 ok (flagged words are warned about on stderr), 1 the
alignment failed (no speech, text too long for the audio, no spellable
word), 2 usage or setup error.

Flags:
`

func runAlign(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("align", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model file (default: the embedded English model)")
	format := fs.String("format", "srt", "output format: "+strings.Join(alignFormats, ", "))
	out := fs.String("o", "", "write the output to `FILE` (replaced only when done)")
	o := transcript.DefaultCueOptions
	for _, l := range transcript.CueLimits {
		fs.Func(l.Flag, fmt.Sprintf("%s (default %s)", l.Help, l.Value(&o)), func(v string) error {
			if err := o.Set(l.Flag, v); err != nil {
				return fmt.Errorf("--%v", err)
			}
			return nil
		})
	}
	beam := fs.Float64("beam", 400, "long audio: prune the search of a stretch between anchors too long to search exactly, keeping paths this far (log units) below the best at each frame")
	low := fs.Float64("low-score", asr.DefaultLowScore, "flag words whose mean log-probability per frame is below this")
	quiet := fs.Bool("quiet", false, "no warnings about flagged words")
	fs.Usage = func() {
		fmt.Fprint(stdout, alignHelp)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(stderr, "(see transcribe align --help)")
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "transcribe align: "+format+" (see transcribe align --help)\n", a...)
		return exitUsage
	}
	switch {
	case len(pos) != 2:
		return usageErr("want AUDIO and TEXT, got %d arguments", len(pos))
	case pos[0] == "-" && pos[1] == "-":
		return usageErr("AUDIO and TEXT cannot both be stdin")
	case !contains(alignFormats, *format):
		return usageErr("unknown --format %q; want one of %s", *format, strings.Join(alignFormats, ", "))
	case *beam <= 0 || *low >= 0:
		return usageErr("--beam must be positive and --low-score negative")
	}
	m, err := loadAlignModel(*model)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe align:", err)
		return exitUsage
	}
	readArg := func(name string) ([]byte, error) {
		if name == "-" {
			return io.ReadAll(stdin)
		}
		return os.ReadFile(name)
	}
	text, err := readArg(pos[1])
	if err != nil {
		fmt.Fprintln(stderr, "transcribe align:", err)
		return exitFailed
	}
	// The audio is read as it is aligned: memory holds the network's
	// output, not the recording.
	var ar io.Reader = stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			fmt.Fprintln(stderr, "transcribe align:", err)
			return exitFailed
		}
		defer f.Close()
		ar = f
	}
	src, err := audio.NewReader(ar, audio.DefaultDecodeOptions())
	if err != nil {
		fmt.Fprintf(stderr, "transcribe align: %s: %v\n", pos[0], err)
		return exitFailed
	}
	r := asr.NewRecognizer(m, asr.DefaultOptions())
	res, err := r.AlignReader(src, string(text), asr.AlignOptions{Beam: *beam, LowScore: *low})
	if err != nil {
		fmt.Fprintf(stderr, "transcribe align: %s: %v\n", pos[0], err)
		return exitFailed
	}
	if !*quiet {
		warnAlign(stderr, res)
	}
	rec, err := transcript.FormatAlignment(*format, pos[0], res, o)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe align:", err)
		return exitUsage
	}
	if *out != "" {
		err = writeFileAtomic(*out, func(w io.Writer) error { _, err := w.Write(rec); return err })
	} else {
		_, err = stdout.Write(rec)
	}
	if err != nil {
		fmt.Fprintln(stderr, "transcribe align:", err)
		return exitFailed
	}
	return exitOK
}

func loadAlignModel(path string) (*asr.Model, error) {
	if path == "" {
		m, err := asr.Default()
		if err != nil {
			return nil, fmt.Errorf("%v; pass --model FILE", err)
		}
		return m, nil
	}
	return asr.LoadFile(path)
}

// warnAlign lists the words that were not found or scored low.
func warnAlign(w io.Writer, a *asr.Alignment) {
	list := func(idx []int) string {
		var b strings.Builder
		for k, i := range idx {
			if k == 10 {
				fmt.Fprintf(&b, " ... (%d more)", len(idx)-10)
				break
			}
			fmt.Fprintf(&b, " %q@%s", a.Words[i].Word, fixed3(a.Words[i].Start))
		}
		return b.String()
	}
	if nf := a.NotFound(); len(nf) > 0 {
		fmt.Fprintf(w, "transcribe align: %d word(s) the model cannot spell, placed between their neighbours:%s\n", len(nf), list(nf))
	}
	if lw := a.LowWords(); len(lw) > 0 {
		fmt.Fprintf(w, "transcribe align: %d of %d word(s) scored low (the audio may not say them):%s\n", len(lw), len(a.Words), list(lw))
	}
}
