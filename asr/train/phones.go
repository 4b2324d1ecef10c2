package train

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

// PhoneCTC configures an auxiliary CTC loss on phone targets, through a
// second output layer on the middle LSTM layer's output (hierarchical
// multitask training, Sanabria & Metze 2018): the lower layers are asked to
// find the sounds, the upper ones the spelling. The phone output layer exists
// only during training; the model file does not keep it.
type PhoneCTC struct {
	// Lexicon is a pronunciation dictionary in the CMUdict format of
	// pocketsphinx (WORD PH1 PH2 ..., alternatives as WORD(2) ...; the
	// first pronunciation is used, stress digits are dropped).
	Lexicon string `json:"lexicon"`
	// Weight w of the phone loss: the loss becomes
	// (1-w-InterCTC)·CTC(top) + InterCTC·CTC(middle) + w·phoneCTC(middle).
	// An utterance with a word missing from the lexicon has no phone loss.
	Weight float64 `json:"weight"`
}

// phoneHeadName names PhoneCTC's output layer, a head of the trained
// network (tensors phone.weight, phone.bias in checkpoints).
const phoneHeadName = "phone"

// phoneLexicon maps words to phone ids (1..len(phones); 0 is the blank).
type phoneLexicon struct {
	phones []string // phones[i-1] is phone id i
	words  map[string][]int
}

// readPhoneLexicon reads a CMUdict-format file.
func readPhoneLexicon(path string) (*phoneLexicon, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: phone lexicon: %w", err)
	}
	defer f.Close()
	prons := map[string][]string{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], ";;;") {
			continue
		}
		if len(fields) < 2 {
			return nil, fmt.Errorf("train: phone lexicon %s:%d: a word with no phones", path, line)
		}
		w := strings.ToLower(fields[0])
		if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
			continue // an alternative pronunciation
		}
		if _, dup := prons[w]; dup {
			continue
		}
		var ph []string
		for _, p := range fields[1:] {
			p = strings.TrimRight(p, "012")
			if p == "" {
				return nil, fmt.Errorf("train: phone lexicon %s:%d: an empty phone", path, line)
			}
			ph = append(ph, p)
		}
		prons[w] = ph
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("train: phone lexicon %s: %w", path, err)
	}
	if len(prons) == 0 {
		return nil, fmt.Errorf("train: phone lexicon %s: no words", path)
	}
	set := map[string]bool{}
	for _, ph := range prons {
		for _, p := range ph {
			set[p] = true
		}
	}
	lx := &phoneLexicon{words: make(map[string][]int, len(prons))}
	for p := range set {
		lx.phones = append(lx.phones, p)
	}
	sort.Strings(lx.phones)
	id := map[string]int{}
	for i, p := range lx.phones {
		id[p] = i + 1
	}
	for w, ph := range prons {
		ids := make([]int, len(ph))
		for i, p := range ph {
			ids[i] = id[p]
		}
		lx.words[w] = ids
	}
	return lx, nil
}

// targets returns the phone ids of a normalized transcript, or nil when a
// word is not in the lexicon.
func (lx *phoneLexicon) targets(text string) []int {
	var out []int
	for _, w := range strings.Fields(text) {
		ph, ok := lx.words[w]
		if !ok {
			return nil
		}
		out = append(out, ph...)
	}
	return out
}
