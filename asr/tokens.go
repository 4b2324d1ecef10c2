package asr

import (
	"strings"

	"github.com/ecoute/ecoute/text"
)

// charVocab maps between text and the model's character labels.
type charVocab struct {
	pieces []string
	index  map[rune]int
	blank  int
	space  int
}

func newCharVocab(t TokenizerConfig) *charVocab {
	v := &charVocab{pieces: t.Vocab, index: map[rune]int{}, blank: t.Blank, space: -1}
	for i, p := range t.Vocab {
		r := []rune(p)
		if i == t.Blank || len(r) != 1 {
			continue
		}
		v.index[r[0]] = i
		if r[0] == ' ' {
			v.space = i
		}
	}
	return v
}

// normalizeTranscript is the form transcripts are trained on:
// text.Normalize (lower case, numbers spelled out) with single spaces.
func normalizeTranscript(s string) string {
	return strings.Join(strings.Fields(text.Normalize(s)), " ")
}

// encode normalizes s (text.Normalize: lower case, numbers spelled out) and
// returns its labels; characters outside the vocabulary are dropped and runs
// of spaces collapse to one.
func (v *charVocab) encode(s string) []int {
	s = normalizeTranscript(s)
	ids := make([]int, 0, len(s))
	for _, r := range s {
		if id, ok := v.index[r]; ok {
			if id == v.space && (len(ids) == 0 || ids[len(ids)-1] == v.space) {
				continue
			}
			ids = append(ids, id)
		}
	}
	for len(ids) > 0 && ids[len(ids)-1] == v.space {
		ids = ids[:len(ids)-1]
	}
	return ids
}

// decode joins the pieces of ids (blanks skipped).
func (v *charVocab) decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		if id != v.blank && id >= 0 && id < len(v.pieces) {
			b.WriteString(v.pieces[id])
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
