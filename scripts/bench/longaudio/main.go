// Command longaudio joins the recordings of one or more manifests into one
// long WAV file (repeated -repeat times, in manifest order) and writes what
// scripts/bench/longaudio.sh scores it with:
//
//	OUTDIR/long.wav       the joined audio (16-bit, the clips' rate)
//	OUTDIR/long.ref.tsv   "long<TAB>all transcripts in order" (one utterance)
//	OUTDIR/clips.list     the clips' paths, one per line (each clip once)
//	OUTDIR/clips.ref.tsv  "path<TAB>transcript" per clip
//	OUTDIR/spans.tsv      "path<TAB>start<TAB>end" (seconds in long.wav) per copy
//
// With -split HYP.json it instead reads the JSON Lines output of
// "transcribe --format json" on long.wav and prints "path#copy<TAB>words"
// for each copy of each clip (a word belongs to the clip its centre falls
// in), so the long file can be scored clip by clip as well.
//
//	longaudio [-repeat 5] OUTDIR MANIFEST.tsv...
//	longaudio -split HYP.json OUTDIR > hyp.tsv
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

func main() {
	repeat := flag.Int("repeat", 5, "times the clips are joined one after the other")
	split := flag.String("split", "", "JSON Lines `HYP` of long.wav to cut back into clips")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: longaudio [-repeat 5] OUTDIR MANIFEST.tsv...\n       longaudio -split HYP.json OUTDIR > hyp.tsv")
		flag.PrintDefaults()
	}
	flag.Parse()
	var err error
	switch {
	case *split != "" && flag.NArg() == 1:
		err = splitHyp(*split, flag.Arg(0))
	case *split == "" && flag.NArg() >= 2 && *repeat >= 1:
		err = join(flag.Arg(0), flag.Args()[1:], *repeat)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "longaudio:", err)
		os.Exit(1)
	}
}

func join(outDir string, manifests []string, repeat int) error {
	var utts []asr.Utterance
	for _, m := range manifests {
		u, err := asr.ReadManifest(m)
		if err != nil {
			return err
		}
		utts = append(utts, u...)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	var all []float32
	var starts []int
	rate := 0
	for _, u := range utts {
		f, err := os.Open(u.Path)
		if err != nil {
			return err
		}
		p, err := audio.Decode(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", u.Path, err)
		}
		if rate == 0 {
			rate = p.Rate
		}
		if p.Rate != rate {
			return fmt.Errorf("%s: rate %d, not %d as the first clip", u.Path, p.Rate, rate)
		}
		starts = append(starts, len(all))
		all = append(all, p.Samples...)
	}
	starts = append(starts, len(all))
	long := make([]float32, 0, len(all)*repeat)
	for range repeat {
		long = append(long, all...)
	}
	f, err := os.Create(filepath.Join(outDir, "long.wav"))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := audio.EncodeWAV(w, long, rate); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	var ref, list, cref, spans strings.Builder
	ref.WriteString("long\t")
	for c := range repeat {
		for i, u := range utts {
			if c > 0 || i > 0 {
				ref.WriteByte(' ')
			}
			ref.WriteString(u.Transcript)
			off := c * len(all)
			fmt.Fprintf(&spans, "%s\t%.4f\t%.4f\n", u.Path, float64(off+starts[i])/float64(rate), float64(off+starts[i+1])/float64(rate))
		}
	}
	ref.WriteByte('\n')
	for _, u := range utts {
		fmt.Fprintf(&list, "%s\n", u.Path)
		fmt.Fprintf(&cref, "%s\t%s\n", u.Path, u.Transcript)
	}
	for name, s := range map[string]string{"long.ref.tsv": ref.String(), "clips.list": list.String(), "clips.ref.tsv": cref.String(), "spans.tsv": spans.String()} {
		if err := os.WriteFile(filepath.Join(outDir, name), []byte(s), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "longaudio: %d clips x %d = %.1f s in %s\n", len(utts), repeat, float64(len(long))/float64(rate), filepath.Join(outDir, "long.wav"))
	return nil
}

func splitHyp(hypPath, outDir string) error {
	b, err := os.ReadFile(hypPath)
	if err != nil {
		return err
	}
	var res asr.Result
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("%s: %w", hypPath, err)
	}
	sb, err := os.ReadFile(filepath.Join(outDir, "spans.tsv"))
	if err != nil {
		return err
	}
	type span struct {
		id         string
		start, end float64
		words      []string
	}
	var spans []*span
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(sb)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return fmt.Errorf("spans.tsv: bad line %q", line)
		}
		s, err1 := strconv.ParseFloat(f[1], 64)
		e, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("spans.tsv: bad line %q", line)
		}
		seen[f[0]]++
		spans = append(spans, &span{id: fmt.Sprintf("%s#%d", f[0], seen[f[0]]), start: s, end: e})
	}
	k := 0
	for _, w := range res.Words {
		c := (w.Start + w.End) / 2
		for k < len(spans)-1 && c >= spans[k].end {
			k++
		}
		spans[k].words = append(spans[k].words, w.Word)
	}
	out := bufio.NewWriter(os.Stdout)
	for _, s := range spans {
		fmt.Fprintf(out, "%s\t%s\n", s.id, strings.Join(s.words, " "))
	}
	return out.Flush()
}
