package asr

import "github.com/ecoute/ecoute/text/punct"

// punctuateWords rewrites words in place with the embedded punctuation and
// casing tagger (text/punct), read as one utterance, and returns their new
// spellings. Times and confidences are kept. Without a usable tagger the
// words are left as they are.
func punctuateWords(words []Word, texts []string) []string {
	m, err := punct.Default()
	if err != nil || len(texts) == 0 {
		return texts
	}
	out := m.Punctuate(texts)
	for i := range words {
		if i < len(out) {
			words[i].Word = out[i]
		}
	}
	return out
}
