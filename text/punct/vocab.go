package punct

import (
	"sort"
	"strings"
	"unicode"
)

// Special input words.
const (
	Unknown = "<unk>" // a word outside the vocabulary
	Number  = "<num>" // a word with a digit
)

// Vocab maps lowercased words to the tagger's input ids. Ids 0 and 1 are
// Unknown and Number.
type Vocab struct {
	Words []string
	ids   map[string]int
}

// NewVocab returns the vocabulary of words (after Unknown and Number; a
// repeated word keeps its first id).
func NewVocab(words []string) *Vocab {
	v := &Vocab{ids: map[string]int{}}
	for _, w := range append([]string{Unknown, Number}, words...) {
		if _, dup := v.ids[w]; !dup {
			v.ids[w] = len(v.Words)
			v.Words = append(v.Words, w)
		}
	}
	return v
}

// BuildVocab returns the vocabulary of the size-2 most frequent words of
// docs (ties broken alphabetically); words with a digit count as Number.
func BuildVocab(docs [][]Token, size int) *Vocab {
	n := map[string]int{}
	for _, d := range docs {
		for _, t := range d {
			if t.Word != Unknown && !hasDigit(t.Word) {
				n[t.Word]++
			}
		}
	}
	words := make([]string, 0, len(n))
	for w := range n {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if n[words[i]] != n[words[j]] {
			return n[words[i]] > n[words[j]]
		}
		return words[i] < words[j]
	})
	return NewVocab(words[:min(len(words), max(0, size-2))])
}

func hasDigit(w string) bool { return strings.ContainsFunc(w, unicode.IsDigit) }

// Size returns the number of ids.
func (v *Vocab) Size() int { return len(v.Words) }

// ID returns the input id of a word (lowercased by the caller).
func (v *Vocab) ID(w string) int {
	if id, ok := v.ids[w]; ok {
		return id
	}
	if hasDigit(w) {
		return 1
	}
	return 0
}
