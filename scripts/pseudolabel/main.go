// Command pseudolabel turns untranscribed speech into training data the way
// semi-supervised recipes do: a teacher's transcripts (here pocketsphinx's,
// the stronger recognizer on native read speech), kept only where an
// independent second recognizer (an ecoute model) agrees closely enough.
// Disagreement between two unlike recognizers is a cheap confidence
// measure: where both hear the same words, the words are likely right.
//
//	scripts/pseudolabel/pseudolabel.sh OUT [MODEL]
//
// runs pocketsphinx on ../shared/data/speech/librispeech-untranscribed and
// then this command; by hand:
//
//	go run ./scripts/pseudolabel -files FILES.tsv -teacher hyp.tsv \
//	    -model model.safetensors -max-disagree 0.35 -o pseudo.tsv
//
// FILES.tsv has a header row with a path column (relative to its folder)
// and optionally speaker; the teacher's hypotheses are id<TAB>text, the id
// being the file name without its extension. The output manifest is
// path<TAB>transcript<TAB>pseudo:SET:SPEAKER, one line per kept utterance,
// and a summary goes to stderr.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/text"
	"github.com/ecoute/ecoute/text/wer"
)

func main() {
	files := flag.String("files", "", "files.tsv of the untranscribed set (header: path, speaker, ...)")
	teacher := flag.String("teacher", "", "teacher hypotheses, id<TAB>text")
	model := flag.String("model", "", "ecoute model for the agreement check (default: the embedded model)")
	maxDis := flag.Float64("max-disagree", 0.35, "keep an utterance when the word error rate between the two recognizers is at most this")
	minWords := flag.Int("min-words", 3, "drop teacher transcripts shorter than this")
	set := flag.String("set", "librispeech", "set name for the voice column")
	out := flag.String("o", "", "output manifest")
	flag.Parse()
	if *files == "" || *teacher == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*files, *teacher, *model, *maxDis, *minWords, *set, *out); err != nil {
		fmt.Fprintln(os.Stderr, "pseudolabel:", err)
		os.Exit(1)
	}
}

func run(files, teacher, model string, maxDis float64, minWords int, set, out string) error {
	hyps, err := readTeacher(teacher)
	if err != nil {
		return err
	}
	m, err := loadModel(model)
	if err != nil {
		return err
	}
	rec := asr.NewRecognizer(m, asr.DefaultOptions())
	f, err := os.Open(files)
	if err != nil {
		return err
	}
	defer f.Close()
	dir := filepath.Dir(files)
	var rows []string
	var header []string
	total, kept := 0, 0
	var keptSec, totalSec float64
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		cols := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if header == nil {
			header = cols
			continue
		}
		field := func(name string) string {
			for i, h := range header {
				if h == name && i < len(cols) {
					return cols[i]
				}
			}
			return ""
		}
		rel := field("path")
		if rel == "" {
			return fmt.Errorf("%s:%d: no path", files, line)
		}
		path := filepath.Join(dir, rel)
		id := strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
		total++
		pcm, err := decodeFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pseudolabel: %s: %v (skipped)\n", path, err)
			continue
		}
		sec := pcm.Duration().Seconds()
		totalSec += sec
		ref := text.Normalize(hyps[id])
		refW := strings.Fields(ref)
		if len(refW) < minWords {
			continue
		}
		res, err := rec.Transcribe(pcm)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		a := wer.Align(refW, strings.Fields(text.Normalize(res.Text)))
		if a.Counts.ErrorRate() > maxDis {
			continue
		}
		abs, _ := filepath.Abs(path)
		rows = append(rows, fmt.Sprintf("%s\t%s\tpseudo:%s:%s", abs, ref, set, field("speaker")))
		kept++
		keptSec += sec
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "pseudolabel: kept %d of %d utterances (%.2f of %.2f h) at disagreement <= %.2f\n",
		kept, total, keptSec/3600, totalSec/3600, maxDis)
	return os.WriteFile(out, []byte(strings.Join(rows, "\n")+"\n"), 0o644)
}

func readTeacher(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if id, t, ok := strings.Cut(l, "\t"); ok {
			m[id] = t
		}
	}
	return m, nil
}

func loadModel(path string) (*asr.Model, error) {
	if path == "" {
		return asr.Default()
	}
	return asr.LoadFile(path)
}

func decodeFile(path string) (*audio.PCM, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return audio.Decode(bufio.NewReader(f))
}
