package transcript

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/ecoute/ecoute/asr"
)

// Formats are the names of the formats Format writes.
var Formats = []string{"txt", "json", "srt", "vtt", "tsv", "trn"}

// Options say how Format writes a result.
type Options struct {
	// Name is the input's name: the "file" of json, the id of tsv and trn.
	Name string
	// Prefix starts every line of txt (the CLI writes "PATH: " when several
	// inputs share one output).
	Prefix string
	// Timestamps: txt writes one line per cue with its times instead of the
	// text; tsv writes one line per word with its times and confidence.
	Timestamps bool
	// NBest > 0: txt writes the n-best list, one "RANK\tSCORE\tTEXT" line per
	// hypothesis (a result without one gives a single line of rank 1 and
	// score 0).
	NBest int
	// Cues limit the subtitles of srt, vtt and txt with Timestamps; the zero
	// value means DefaultCueOptions.
	Cues CueOptions
}

// A FormatError names a format that Format (or FormatAlignment) does not
// write.
type FormatError struct {
	Format string
	Want   []string // the formats written; nil means Formats
}

func (e *FormatError) Error() string {
	want := e.Want
	if want == nil {
		want = Formats
	}
	return fmt.Sprintf("transcript: unknown format %q; want one of %s", e.Format, strings.Join(want, ", "))
}

// Known reports whether Format writes format.
func Known(format string) bool {
	for _, f := range Formats {
		if f == format {
			return true
		}
	}
	return false
}

// ForReading reports whether format is read by people rather than scored:
// srt and vtt. Their text is punctuated and cased by default
// (asr.Options.Punctuate) wherever a format is chosen: the CLI's --format,
// the page's downloads.
func ForReading(format string) bool { return format == "srt" || format == "vtt" }

// Header returns what a file of the format starts with, before the records
// of its inputs: "WEBVTT" and a blank line for vtt, nothing for the others.
func Header(format string) []byte {
	if format == "vtt" {
		return []byte("WEBVTT\n\n")
	}
	return nil
}

// Format returns r as a complete file of the format: Header, then
// AppendRecord's record. An unknown format gives a *FormatError.
func Format(format string, r *asr.Result, o Options) ([]byte, error) {
	return AppendRecord(Header(format), format, r, o)
}

// AppendRecord appends r's record in the format to dst, as whole lines,
// and returns the extended slice. Several inputs in one file are Header
// followed by their records:
//
//	txt   the text ("TEXT\n"), or with Timestamps one line per cue
//	      "[HH:MM:SS.mmm --> HH:MM:SS.mmm] TEXT", or with NBest the n-best list
//	json  one line, asr.AppendJSON's object with Name as "file"
//	srt   numbered cues from 1: "N\nHH:MM:SS,mmm --> HH:MM:SS,mmm\nLINES\n\n"
//	vtt   cues "HH:MM:SS.mmm --> HH:MM:SS.mmm\nLINES\n\n"
//	tsv   "NAME\tTEXT", or with Timestamps "NAME\tSTART\tEND\tWORD\tCONFIDENCE"
//	      per word (numbers rounded by asr.Round3, in their shortest form)
//	trn   "TEXT (NAME)"
//
// srt and vtt cues come from r.Words (Cues): a result without word times
// gives none. An unknown format gives a *FormatError.
func AppendRecord(dst []byte, format string, r *asr.Result, o Options) ([]byte, error) {
	if !Known(format) {
		return dst, &FormatError{Format: format}
	}
	cueOpts := o.Cues
	if cueOpts == (CueOptions{}) {
		cueOpts = DefaultCueOptions
	}
	b := bytes.NewBuffer(dst)
	switch format {
	case "json":
		b.Write(asr.AppendJSON(nil, r, o.Name))
		b.WriteByte('\n')
	case "srt":
		for k, c := range Cues(r.Words, cueOpts) {
			fmt.Fprintf(b, "%d\n%s --> %s\n%s\n\n", k+1, Timestamp(c.Start, ','), Timestamp(c.End, ','), strings.Join(c.Lines, "\n"))
		}
	case "vtt":
		for _, c := range Cues(r.Words, cueOpts) {
			fmt.Fprintf(b, "%s --> %s\n%s\n\n", Timestamp(c.Start, '.'), Timestamp(c.End, '.'), strings.Join(c.Lines, "\n"))
		}
	case "tsv":
		if o.Timestamps {
			for _, w := range r.Words {
				fmt.Fprintf(b, "%s\t%s\t%s\t%s\t%s\n", o.Name, fixed3(w.Start), fixed3(w.End), w.Word, fixed3(w.Confidence))
			}
			break
		}
		fmt.Fprintf(b, "%s\t%s\n", o.Name, r.Text)
	case "trn":
		fmt.Fprintf(b, "%s (%s)\n", r.Text, o.Name)
	case "txt":
		switch {
		case o.NBest > 0:
			for k, h := range r.NBest {
				fmt.Fprintf(b, "%s%d\t%s\t%s\n", o.Prefix, k+1, fixed3(h.Score), h.Text)
			}
			if len(r.NBest) == 0 {
				fmt.Fprintf(b, "%s1\t0\t%s\n", o.Prefix, r.Text)
			}
		case o.Timestamps:
			for _, c := range Cues(r.Words, cueOpts) {
				fmt.Fprintf(b, "%s[%s --> %s] %s\n", o.Prefix, Timestamp(c.Start, '.'), Timestamp(c.End, '.'), c.Text())
			}
		default:
			fmt.Fprintf(b, "%s%s\n", o.Prefix, r.Text)
		}
	}
	return b.Bytes(), nil
}

// fixed3 is v rounded to 3 decimals by asr.Round3, in the shortest form.
func fixed3(v float64) string {
	return strconv.FormatFloat(asr.Round3(v), 'f', -1, 64)
}
