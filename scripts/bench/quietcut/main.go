// Command quietcut writes copies of a manifest's recordings with the quiet at
// both ends cut away, as audio.QuietEnds finds it (10 ms frames more than -db
// decibels below the loudest frame), and prints the new manifest. Unlike a
// fixed amplitude threshold it keeps weak word onsets; scripts/bench/silence.sh
// uses it.
//
//	quietcut [-db 35] [-frac 1] MANIFEST.tsv OUTDIR > CUT.tsv
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

func main() {
	db := flag.Float64("db", 35, "frames this many dB below the loudest count as quiet")
	frac := flag.Float64("frac", 1, "fraction of each end's quiet to cut (0-1)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: quietcut [-db 35] [-frac 1] MANIFEST.tsv OUTDIR > CUT.tsv")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 || *db <= 0 || *frac < 0 || *frac > 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), *db, *frac); err != nil {
		fmt.Fprintln(os.Stderr, "quietcut:", err)
		os.Exit(1)
	}
}

func run(manifest, outDir string, db, frac float64) error {
	utts, err := asr.ReadManifest(manifest)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for i, u := range utts {
		f, err := os.Open(u.Path)
		if err != nil {
			return err
		}
		p, err := audio.Decode(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", u.Path, err)
		}
		lead, trail := audio.QuietEnds(p.Samples, p.Rate, db)
		x := p.Samples[int(frac*float64(lead)) : len(p.Samples)-int(frac*float64(trail))]
		var buf bytes.Buffer
		if err := audio.EncodeWAV(&buf, x, p.Rate); err != nil {
			return err
		}
		dst := filepath.Join(outDir, fmt.Sprintf("%d.wav", i+1))
		if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s\t%s\t%s\n", dst, u.Transcript, u.Speaker)
	}
	return nil
}
