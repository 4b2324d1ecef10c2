package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/audio/features"
)

func init() {
	register(&command{name: "features", summary: "compute Kaldi-compatible MFCC or log-mel features of a WAV/FLAC file", run: runFeatures})
}

func runFeatures(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("features", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("type", "mfcc", "feature type: mfcc or fbank (log-mel filterbank)")
	numCeps := fs.Int("num-ceps", 13, "cepstra per frame, C0 included (mfcc)")
	numMel := fs.Int("num-mel-bins", 23, "triangular mel bins")
	rate := fs.Int("sample-rate", 0, "resample to this rate (Hz) first; 0 keeps the file's rate")
	deltas := fs.Bool("deltas", false, "append first and second order deltas (Kaldi add-deltas, window 2)")
	cmvn := fs.Bool("cmvn", false, "normalise each dimension to zero mean and unit variance over the file (after deltas, as the recognizer does)")
	format := fs.String("format", "", "output format: txt (one frame per line) or npy (float32 [frames][dims]); default npy when -o ends in .npy, else txt")
	out := fs.String("o", "-", "output file; - writes to stdout")
	channel := fs.Int("channel", -1, "source channel to use (0-based); -1 mixes all channels")
	energy := fs.Bool("energy", false, "use the log energy (Kaldi --use-energy): mfcc replaces C0 by it, fbank adds it as a first column (default true for mfcc, false for fbank)")
	snip := fs.Bool("snip-edges", true, "only frames that fit in the file (Kaldi --snip-edges); false: one frame per shift, edges reflected")
	dither := fs.Float64("dither", 0, "Gaussian dither on the 16-bit scale (Kaldi's default is 1; 0 makes features deterministic)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: transcribe features [flags] FILE|-

Computes MFCC or log-mel filterbank features of one WAV or FLAC file ("-"
reads stdin) with Kaldi's defaults (compute-mfcc-feats / compute-fbank-feats:
25 ms frames every 10 ms, povey window, pre-emphasis 0.97, 23 mel bins from
20 Hz to Nyquist, 13 cepstra with lifter 22, log energy as C0). Features are
computed at the file's own rate unless --sample-rate asks for resampling.
Channels are mixed to mono unless --channel picks one.

Output: txt prints one frame per line, values separated by spaces; npy writes
a float32 array of shape [frames][dims] that numpy.load reads.

Examples:
  transcribe features testdata/hello.wav | head -3
  transcribe features --type fbank --num-mel-bins 80 -o feats.npy speech.flac
  transcribe features --deltas --cmvn --sample-rate 16000 -o feats.txt call-8k.wav
  sox in.mp3 -t wav - | transcribe features --format npy -o out.npy -

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(stderr, `
Exit status: 0 written, 1 unreadable input or output, 2 usage error.
`)
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	usage := func(f string, a ...any) int {
		fmt.Fprintf(stderr, "transcribe features: "+f+" (see transcribe features --help)\n", a...)
		return exitUsage
	}
	if fs.NArg() != 1 {
		return usage("need exactly one input file, or - for stdin")
	}
	if *kind != "mfcc" && *kind != "fbank" {
		return usage("--type must be mfcc or fbank, not %q", *kind)
	}
	if *format == "" {
		*format = "txt"
		if strings.HasSuffix(*out, ".npy") {
			*format = "npy"
		}
	}
	if *format != "txt" && *format != "npy" {
		return usage("--format must be txt or npy, not %q", *format)
	}
	if *rate < 0 || *channel < -1 {
		return usage("--sample-rate and --channel must not be negative")
	}

	in := fs.Arg(0)
	var r io.Reader = stdin
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			fmt.Fprintln(stderr, "transcribe features:", err)
			return exitFailed
		}
		defer f.Close()
		r = f
	}
	o := audio.DefaultDecodeOptions()
	o.Channel = *channel
	pcm, err := audio.DecodeWithOptions(r, o)
	if err != nil {
		fmt.Fprintf(stderr, "transcribe features: %s: %v\n", in, err)
		return exitFailed
	}
	if *rate > 0 {
		pcm = audio.ResamplePCM(pcm, *rate)
	}

	frame := features.DefaultFrameOptions()
	frame.SampFreq = float64(pcm.Rate)
	frame.SnipEdges = *snip
	frame.Dither = *dither
	mel := features.DefaultMelOptions()
	mel.NumBins = *numMel
	useEnergy := *kind == "mfcc"
	if flagGiven(fs, "energy") {
		useEnergy = *energy
	}
	c := features.Config{Type: *kind, MFCC: features.DefaultMFCCOptions(), Fbank: features.DefaultFbankOptions(), CMVN: *cmvn}
	c.MFCC.Frame, c.MFCC.Mel, c.MFCC.NumCeps, c.MFCC.UseEnergy = frame, mel, *numCeps, useEnergy
	c.Fbank.Frame, c.Fbank.Mel, c.Fbank.UseEnergy = frame, mel, useEnergy
	if *deltas {
		c.DeltaOrder, c.DeltaWindow = 2, 2
	}
	p, err := features.NewPipeline(c)
	if err != nil {
		return usage("%v", err)
	}
	feats := p.Compute(pcm.Samples)

	var w io.Writer = stdout
	var file *os.File
	if *out != "-" {
		file, err = os.Create(*out)
		if err != nil {
			fmt.Fprintln(stderr, "transcribe features:", err)
			return exitFailed
		}
		w = file
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if *format == "npy" {
		err = writeNPYFloat32(bw, feats, p.Dim())
	} else {
		err = writeFeatureText(bw, feats)
	}
	if err == nil {
		err = bw.Flush()
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "transcribe features:", err)
		return exitFailed
	}
	return exitOK
}

// writeFeatureText writes one frame per line, the shortest decimal form of
// each float32 value, separated by single spaces.
func writeFeatureText(w io.Writer, feats [][]float32) error {
	var line []byte
	for _, row := range feats {
		line = line[:0]
		for j, v := range row {
			if j > 0 {
				line = append(line, ' ')
			}
			line = strconv.AppendFloat(line, float64(v), 'g', -1, 32)
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}
