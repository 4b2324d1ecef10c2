package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
	"github.com/ecoute/ecoute/audio"
)

func init() { defaultCommand = runTranscribe }

// exitInterrupted is the status after Ctrl-C (128 + SIGINT, as shells report it).
const exitInterrupted = 130

// hotwordList is a list of --hotword values, parsed by asr.ParseHotwords.
type hotwordList []asr.Hotword

// defaultHotwordBoost is the boost of a --hotword given without one.
const defaultHotwordBoost = asr.DefaultHotwordBoost

func (l *hotwordList) String() string {
	var s []string
	for _, h := range *l {
		s = append(s, fmt.Sprintf("%s:%g", h.Word, h.Boost))
	}
	return strings.Join(s, ",")
}

func (l *hotwordList) Set(s string) error {
	o := asr.Options{Hotwords: *l}
	if err := o.Set("hotword", s); err != nil {
		return err
	}
	*l = o.Hotwords
	return nil
}

// optionFlag is a flag spelled from a row of asr.OptionTable: --NAME sets
// the row's option through asr.Options.Set, so the CLI parses and
// range-checks exactly as the server and the browser engine do.
type optionFlag struct {
	o   *asr.Options
	row *asr.Option
}

func (f *optionFlag) String() string {
	if f == nil || f.o == nil {
		return ""
	}
	return f.row.Get(f.o)
}

func (f *optionFlag) Set(v string) error {
	err := f.o.Set(f.row.Name, v)
	var oe *asr.OptionError
	if errors.As(err, &oe) {
		return errors.New(oe.Msg) // flag names the flag and the value
	}
	return err
}

func (f *optionFlag) IsBoolFlag() bool { return f.row.Kind == asr.BoolOption }

// cliOwnSpelling lists the table's options that the CLI spells its own
// way: "lm" is --no-lm (--lm names an ARPA file), and "nbest" and
// "timestamps", which also choose what txt and tsv print, are flags of the
// transcribe mode only (registerOutputOptions).
var cliOwnSpelling = map[string]string{"lm": "no-lm", "nbest": "nbest", "timestamps": "timestamps"}

// registerOptions registers a flag for every row of asr.OptionTable but
// those of cliOwnSpelling, setting o.
func registerOptions(fs *flag.FlagSet, o *asr.Options) {
	for i := range asr.OptionTable {
		r := &asr.OptionTable[i]
		if _, own := cliOwnSpelling[r.Name]; own {
			continue
		}
		help := r.Help
		if r.Kind == asr.HotwordsOption {
			help += ": --hotword ecoute:8 --hotword kaldi"
		}
		fs.Var(&optionFlag{o, r}, r.Name, help+" ("+r.Range()+")")
	}
}

// decodeFlags are the model and decoding flags shared by transcribing and
// "eval --manifest".
type decodeFlags struct {
	model string
	lm    string
	noLM  bool
	opts  asr.Options // the table's options, set by their flags
	// Copies of opts' fields for reports, set by check.
	beam        int
	alpha, beta float64
	blankPen    float64
	jobs        int
	rawRate     int
	rawFmt      string
	rawChans    int
	channel     int
}

func (d *decodeFlags) register(fs *flag.FlagSet) {
	d.opts = asr.DefaultOptions()
	fs.StringVar(&d.model, "model", "", "model file (default: the embedded English model)")
	fs.StringVar(&d.lm, "lm", "", "word n-gram LM in ARPA format, replacing the model's own")
	fs.BoolVar(&d.noLM, "no-lm", false, "decode without a language model (the option \"lm\" of the server and the browser)")
	registerOptions(fs, &d.opts)
	fs.IntVar(&d.jobs, "j", runtime.NumCPU(), "files transcribed in parallel")
	fs.IntVar(&d.rawRate, "raw-rate", 0, "inputs are headerless PCM at this sample rate (see --raw-format)")
	fs.StringVar(&d.rawFmt, "raw-format", "s16le", "sample encoding of raw input: s16le, s16be, s24le, s32le, f32le, f64le, u8, s8, alaw, mulaw")
	fs.IntVar(&d.rawChans, "raw-channels", 1, "channels of raw input (interleaved)")
	fs.IntVar(&d.channel, "channel", -1, "use only this channel (0 = left); -1 mixes all channels")
}

// check validates the flags; errors are usage errors.
func (d *decodeFlags) check() error {
	d.beam, d.alpha, d.beta, d.blankPen = d.opts.Beam, d.opts.Alpha, d.opts.Beta, d.opts.BlankPenalty
	if d.jobs < 1 {
		return fmt.Errorf("-j must be at least 1, not %d", d.jobs)
	}
	if d.lm != "" && d.noLM {
		return errors.New("--lm and --no-lm contradict each other")
	}
	if d.rawRate < 0 {
		return fmt.Errorf("--raw-rate must be positive, not %d", d.rawRate)
	}
	if d.rawRate > 0 {
		if _, err := audio.ParseEncoding(d.rawFmt); err != nil {
			return fmt.Errorf("--raw-format: unknown encoding %q", d.rawFmt)
		}
		if d.rawChans < 1 {
			return fmt.Errorf("--raw-channels must be at least 1, not %d", d.rawChans)
		}
	}
	if d.channel < -1 {
		return fmt.Errorf("--channel must be -1 (mix) or a channel number, not %d", d.channel)
	}
	return nil
}

// decodeOptions returns how inputs are decoded.
func (d *decodeFlags) decodeOptions() audio.DecodeOptions {
	o := audio.DefaultDecodeOptions()
	o.Channel = d.channel
	if d.rawRate > 0 {
		enc, _ := audio.ParseEncoding(d.rawFmt)
		o.Raw = &audio.RawFormat{Rate: d.rawRate, Encoding: enc, Channels: d.rawChans}
	}
	return o
}

// loadModel loads --model (or the embedded default) once, with --lm
// attached; the returned name says where it came from.
func (d *decodeFlags) loadModel() (*asr.Model, string, error) {
	var m *asr.Model
	var err error
	name := d.model
	if d.model == "" {
		name = "the default model"
		m, err = asr.Default()
		if err != nil {
			return nil, "", fmt.Errorf("%v; pass --model FILE", err)
		}
	} else {
		m, err = asr.LoadFile(d.model)
		if err != nil {
			return nil, "", err
		}
	}
	if d.lm != "" {
		b, err := os.ReadFile(d.lm)
		if err != nil {
			return nil, "", err
		}
		l, err := asr.ParseLanguageModel(b)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %v", d.lm, err)
		}
		c := *m // the default model is shared: attach the LM to a copy
		c.LM = l
		m = &c
	}
	return m, name, nil
}

// options returns the recognizer options.
func (d *decodeFlags) options() asr.Options {
	o := d.opts
	if d.noLM {
		o.UseLM = false
	}
	return o
}

// transcribeFlags are the flags of the default (transcribe files) mode.
type transcribeFlags struct {
	decodeFlags
	nbest      int
	format     string
	timestamps bool
	logits     string
	out        string
	outDir     string
	list       string
	scp        string
	quiet      bool
	version    bool
}

var outputFormats = []string{"txt", "json", "srt", "vtt", "tsv", "trn"}

func transcribeUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `transcribe: offline speech recognition in pure Go.

Usage:
  transcribe [flags] FILE...        transcribe WAV, FLAC or raw PCM files ("-" is stdin)
  transcribe COMMAND [flags] ...    run a subcommand (list below)

Examples:
  transcribe clip.wav                          print what was said
  transcribe --format srt talk.flac > talk.srt subtitles, cut at pauses
  transcribe --format json --nbest 3 a.wav     words with times and confidences, 3 best guesses
  transcribe --timestamps meeting.wav          text with a time range per phrase
  sox in.mp3 -t wav - | transcribe -           read stdin
  arecord -t raw -f S16_LE -r 16000 -c 1 -d 5 | transcribe --raw-rate 16000 -
  transcribe -j 2 --format tsv --list files.txt -o hyp.tsv
                                               thousands of files, results in list order
  transcribe --scp data/test/wav.scp --format trn > hyp.trn     Kaldi wav.scp input
  transcribe --output-dir subs --format vtt *.wav              one subtitle file per input
  transcribe --hotword ecoute:8 --hotword kaldi demo.wav       boost rare words
  transcribe --beam 1 --logits lp.npy clip.wav  greedy; also save per-frame log-probabilities
  transcribe eval --manifest ../data/dev       transcribe a labelled set and score it (WER/CER)

Output formats (--format):
  txt   the text, one line per input ("PATH: text" when there are several inputs);
        --timestamps prints "[start --> end] text" per phrase; --nbest N prints
        "rank<TAB>score<TAB>text" lines
  json  one JSON object per input and line (JSON Lines): file, text, words [{word,
        start, end, confidence}], nbest [{text, score, acoustic_score, lm_score}],
        duration and processing_time in seconds
  srt   SubRip subtitles, vtt WebVTT subtitles: cues cut at pauses, at most 2 lines
        of 42 characters and 7 seconds
  tsv   "ID<TAB>text" (what "transcribe eval --hyp" reads); --timestamps prints
        "ID<TAB>start<TAB>end<TAB>word<TAB>confidence" per word
  trn   sclite's "text (ID)"
  The ID is the path as given, or the utterance id of a wav.scp line.

Inputs: WAV (8-64 bit integer/float, A-law, µ-law, RIFX, RF64), FLAC, or raw PCM
with --raw-rate; any sample rate and channel count (channels are mixed). A list
file (--list) has one path per line; blank lines and lines starting with # are
skipped. A wav.scp (--scp) has "ID PATH" or "ID COMMAND |" lines.

Output goes to stdout, to one file (-o FILE, written whole when done: an
interrupted run leaves no half-written file), or to one file per input in a
folder (--output-dir). Results are in input order whatever -j is. A bad input
gets one line on stderr ("transcribe: PATH: reason") and the others go on. A
progress bar shows on stderr when it is a terminal; a summary line (audio
duration, wall time, real-time factor) follows unless --quiet.

Commands:
`)
	for _, n := range sortedCommandNames() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run "transcribe COMMAND --help" for a command's flags and examples.

Flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, `
Exit status:
  0    every input was transcribed
  1    some inputs failed (each is named on stderr); the rest were transcribed
  2    usage or setup error: bad flags or arguments, or a --model or --lm
       that cannot be loaded; nothing was done
  130  interrupted (Ctrl-C); no partial output file is left behind
`)
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments ("transcribe a.wav --format json"); "--" ends
// the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag stops at "--" (consumed) or at a non-flag argument.
		if i := len(args) - len(rest); i > 0 && args[i-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func runTranscribe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("transcribe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f transcribeFlags
	f.decodeFlags.register(fs)
	nbestRow, _ := asr.LookupOption("nbest")
	tsRow, _ := asr.LookupOption("timestamps")
	fs.Var(&optionFlag{&f.opts, nbestRow}, "nbest", nbestRow.Help+" ("+nbestRow.Range()+"); json keeps them, txt prints them only when --nbest is given")
	fs.StringVar(&f.format, "format", "txt", "output format: "+strings.Join(outputFormats, ", "))
	fs.Var(&optionFlag{&f.opts, tsRow}, "timestamps", tsRow.Help+"; --timestamps=false leaves them out of json; given, txt prints a time range per phrase and tsv one line per word with times and confidence")
	fs.StringVar(&f.logits, "logits", "", "also write the per-frame log-probabilities [frames][tokens] as float32 .npy to `OUT.npy` (a folder of NAME.npy with several inputs; runs the network a second time)")
	fs.StringVar(&f.out, "o", "", "write the output to `FILE` (replaced only when done)")
	fs.StringVar(&f.outDir, "output-dir", "", "write one file per input into `DIR`, named after the input (NAME.FORMAT)")
	fs.StringVar(&f.list, "list", "", "read input paths from `FILE`, one per line (\"-\": stdin)")
	fs.StringVar(&f.scp, "scp", "", "read inputs from a Kaldi wav.scp `FILE` (\"ID PATH\" or \"ID COMMAND |\")")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar and no summary line")
	fs.BoolVar(&f.version, "version", false, "print the version and the default model's name and provenance")
	sf := registerStreamFlags(fs)
	fs.Usage = func() {} // the whole help goes to stdout on --help; errors get a hint
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			transcribeUsage(stdout, fs)
			return exitOK
		}
		fmt.Fprintln(stderr, "(see transcribe --help)")
		return exitUsage
	}
	if f.version {
		printVersion(stdout)
		return exitOK
	}
	if sf.stream {
		return runStream(&f, sf, fs, pos, stdin, stdout, stderr)
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "transcribe: "+format+" (see transcribe --help)\n", a...)
		return exitUsage
	}
	if err := f.decodeFlags.check(); err != nil {
		return usageErr("%v", err)
	}
	if !contains(outputFormats, f.format) {
		return usageErr("unknown --format %q; want one of %s", f.format, strings.Join(outputFormats, ", "))
	}
	// nbest and timestamps also choose what txt and tsv print: only when
	// given. json carries what the options say (3 hypotheses, word times).
	f.nbest = 0
	if f.format == "json" || flagGiven(fs, "nbest") {
		f.nbest = f.opts.NBest
	}
	f.timestamps = flagGiven(fs, "timestamps") && f.opts.Timestamps
	if (f.format == "srt" || f.format == "vtt") && !f.opts.Timestamps {
		return usageErr("--format %s needs word times; drop --timestamps=false", f.format)
	}
	if transcript.ForReading(f.format) && !flagGiven(fs, "punctuate") {
		f.opts.Punctuate = true
	}
	if f.out != "" && f.outDir != "" {
		return usageErr("-o and --output-dir contradict each other")
	}
	if f.list != "" && f.scp != "" {
		return usageErr("--list and --scp contradict each other")
	}
	inputs, err := collectInputs(pos, f.list, f.scp, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe:", err)
		return exitFailed
	}
	if len(inputs) == 0 {
		if len(pos) == 0 && f.list == "" && f.scp == "" {
			fmt.Fprint(stderr, "Usage: transcribe [flags] FILE...   (\"-\" reads stdin)\n       transcribe COMMAND [flags] ...\nRun \"transcribe --help\" for the flags, formats, commands and examples.\n")
			return exitUsage
		}
		fmt.Fprintln(stderr, "transcribe: no inputs in the list")
		return exitFailed
	}
	nstdin := 0
	for _, in := range inputs {
		if in.stdin {
			nstdin++
		}
	}
	if nstdin > 1 || (nstdin == 1 && f.list == "-") {
		return usageErr("stdin can be read only once")
	}
	if (f.format == "srt" || f.format == "vtt") && len(inputs) > 1 && f.outDir == "" {
		return usageErr("--format %s with several inputs needs --output-dir (one subtitle file per input)", f.format)
	}
	names := outputNames(inputs)

	if f.opts.Beam == 1 && (f.lm != "" || len(f.opts.Hotwords) > 0) {
		fmt.Fprintln(stderr, "transcribe: warning: --lm and --hotword act in beam search only; --beam 1 decodes greedily")
	}

	// Inputs are transcribed as they are read, except with --logits and
	// for Kaldi segments and commands. A soft memory limit makes the
	// collector work harder only when the heap nears it: decoded whole, a
	// 64-minute file peaked at 406 MB instead of 613 MB, at the same
	// speed. GOMEMLIMIT wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(batchMemoryLimit)
	}
	loadStart := time.Now()
	m, _, err := f.decodeFlags.loadModel()
	if err != nil {
		fmt.Fprintln(stderr, "transcribe:", err)
		return exitUsage // a setup error: nothing was transcribed
	}
	o := f.decodeFlags.options()
	o.NBest = f.nbest
	rec := asr.NewRecognizer(m, o)
	_ = rec.Prepare() // a decoder error shows per input, decoded greedily
	load := time.Since(loadStart)

	fo := formatOptions{format: f.format, timestamps: f.timestamps, nbest: f.nbest, multi: len(inputs) > 1 && f.outDir == ""}
	b := &batch{
		rec: rec, jobs: f.decodeFlags.jobs, decode: f.decodeFlags.decodeOptions(), stdin: stdin,
		stderr: stderr, progress: !f.quiet && isTerminal(stderr), quiet: f.quiet,
		format: func(i int, in *input, res *asr.Result) []byte { return formatResult(fo, in, res) },
	}
	if f.logits != "" {
		if len(inputs) == 1 {
			b.logitsPath = func(int) string { return f.logits }
		} else {
			if err := os.MkdirAll(f.logits, 0o755); err != nil {
				fmt.Fprintln(stderr, "transcribe: --logits:", err)
				return exitFailed
			}
			b.logitsPath = func(i int) string { return filepath.Join(f.logits, names[i]+".npy") }
		}
	}

	// From here on Ctrl-C must not leave a temporary file behind.
	intr, stopSig := interrupts()
	defer stopSig()
	b.interrupt = intr

	var sink outputSink
	switch {
	case f.outDir != "":
		if err := os.MkdirAll(f.outDir, 0o755); err != nil {
			fmt.Fprintln(stderr, "transcribe: --output-dir:", err)
			return exitFailed
		}
		sink = &dirSink{dir: f.outDir, names: names, ext: "." + f.format, header: formatHeader(f.format)}
	case f.out != "":
		af, err := createAtomic(f.out)
		if err != nil {
			fmt.Fprintln(stderr, "transcribe:", err)
			return exitFailed
		}
		sink = &streamSink{w: af, file: af, header: formatHeader(f.format)}
	default:
		sink = &streamSink{w: stdout, header: formatHeader(f.format)}
	}

	// One input written to one stream goes out as it is decoded: a cue (or
	// a segment's text) at a time. Plain text keeps its single line, so it
	// waits for the end of the file when the progress bar shares a
	// terminal with it.
	if _, ok := sink.(*streamSink); ok && len(inputs) == 1 && !(f.format == "txt" && !fo.timestamps && b.progress && f.out == "" && isTerminal(stdout)) {
		b.live = func(i int, in *input) *transcript.Writer {
			w, err := transcript.NewWriter(f.format, fo.transcriptOptions(in))
			if err != nil {
				panic(err) // the format was checked
			}
			return w
		}
	}

	start := time.Now()
	st := b.run(inputs, func(i int, r *outcome) error { return sink.write(i, r.record) })
	if st.interrupted {
		sink.abort()
		fmt.Fprintf(stderr, "transcribe: interrupted after %d of %d inputs\n", st.done, len(inputs))
		return exitInterrupted
	}
	if err := sink.close(); err != nil {
		fmt.Fprintln(stderr, "transcribe:", err)
		return exitFailed
	}
	if st.writeErr != nil {
		fmt.Fprintln(stderr, "transcribe:", st.writeErr)
		return exitFailed
	}
	if !f.quiet {
		fmt.Fprintln(stderr, st.summary(time.Since(start), load))
	}
	if st.failed > 0 {
		return exitFailed
	}
	return exitOK
}

// batchMemoryLimit is the soft memory limit of a transcription run.
const batchMemoryLimit = 400 << 20

// flagGiven reports whether the flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
