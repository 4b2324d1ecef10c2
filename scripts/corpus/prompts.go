package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ecoute/ecoute/text"
)

// A sentence is one candidate prompt: the cleaned source sentence (what a
// synthesizer may read, punctuation kept for prosody) and its normalized
// transcript (lower-case letters, apostrophes and single spaces).
type sentence struct {
	raw    string // cleaned source text
	norm   string // text.Normalize(raw), validated
	source string // "harvard", "gutenberg", "sotu", "inaugural"
}

// readSources reads every text source under dir and returns its sentences
// in a fixed order (source by source, file by file). Sentences whose
// normalized form is empty or has characters other than a-z, apostrophe
// and space are dropped; length filtering happens later.
func readSources(dir string) ([]sentence, error) {
	var out []sentence
	add := func(src string, sents []string) {
		for _, s := range sents {
			n, ok := normalize(s)
			if !ok {
				continue
			}
			out = append(out, sentence{raw: s, norm: n, source: src})
		}
	}

	// Harvard sentences: one per line.
	b, err := os.ReadFile(filepath.Join(dir, "harvard-sentences", "harvsents.txt"))
	if err != nil {
		return nil, err
	}
	var hs []string
	for _, l := range strings.Split(decode(b), "\n") {
		if l = cleanSentence(l); l != "" {
			hs = append(hs, l)
		}
	}
	add("harvard", hs)

	// Gutenberg novels: body between the *** START and *** END markers,
	// paragraphs separated by blank lines, wrapped lines joined.
	books, err := filepath.Glob(filepath.Join(dir, "gutenberg-modern", "*", "*.txt"))
	if err != nil {
		return nil, err
	}
	sort.Strings(books)
	for _, f := range books {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		add("gutenberg", gutenbergSentences(decode(b)))
	}

	// State of the Union (1945-2006) and inaugural addresses (1900+):
	// one paragraph per line, headings and dates on lines of their own.
	for _, c := range []struct{ sub, src string }{{"nltk-state_union", "sotu"}, {"nltk-inaugural", "inaugural"}} {
		files, err := filepath.Glob(filepath.Join(dir, c.sub, "*.txt"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, f := range files {
			var year int
			fmt.Sscanf(filepath.Base(f), "%d", &year)
			if c.src == "inaugural" && year < 1900 {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			add(c.src, speechSentences(decode(b)))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no sentences found under %s", dir)
	}
	return out, nil
}

// decode returns b as a string with a UTF-8 BOM removed, CRLF turned into
// LF, and Latin-1 bytes converted when b is not valid UTF-8 (six State of
// the Union files are Latin-1).
func decode(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var s string
	if utf8.Valid(b) {
		s = string(b)
	} else {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		s = string(r)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// gutenbergSentences returns the sentences of a Project Gutenberg text,
// without its licence header and footer.
func gutenbergSentences(s string) []string {
	if i := strings.Index(s, "*** START"); i >= 0 {
		s = s[i:]
		if j := strings.Index(s, "\n"); j >= 0 {
			s = s[j+1:]
		}
	}
	if i := strings.Index(s, "*** END"); i >= 0 {
		s = s[:i]
	}
	var out []string
	for _, para := range strings.Split(s, "\n\n") {
		para = strings.Join(strings.Fields(stripParens(para)), " ")
		if para == "" || !hasLower(para) || !endsSentence(para) ||
			strings.Contains(para, "Project Gutenberg") || strings.HasPrefix(para, "Produced by") || strings.HasPrefix(para, "This etext") {
			continue // titles, chapter headings, credits, contents
		}
		out = append(out, splitSentences(para)...)
	}
	return out
}

// speechSentences returns the sentences of a State of the Union or
// inaugural address: "(Applause.)" and other parenthetical remarks are
// removed, and lines that are headings (no lower-case letters, or no
// sentence-final punctuation) are skipped.
func speechSentences(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = stripParens(line)
		line = strings.TrimSpace(line)
		if line == "" || !hasLower(line) || strings.Contains(line, "photo by") {
			continue // headings, dates, photo captions
		}
		if !endsSentence(line) {
			continue
		}
		out = append(out, splitSentences(line)...)
	}
	return out
}

// endsSentence reports whether s ends in sentence punctuation, possibly
// followed by closing quotes: headings and titles do not.
func endsSentence(s string) bool {
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, "\"'’” "))
	return strings.ContainsRune(".!?:;", last)
}

// stripParens removes (...) and [...] spans: "(Applause.)", "[Illustration]".
func stripParens(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[':
			depth++
			continue
		case ')', ']':
			if depth > 0 {
				depth--
			}
			continue // stray closers are typos ("sett]e")
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// abbreviations that end in a period without ending a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "jr": true, "sr": true,
	"mt": true, "gen": true, "col": true, "capt": true, "lt": true, "rev": true,
	"prof": true, "hon": true, "gov": true, "sen": true, "rep": true, "vs": true,
	"etc": true, "no": true, "co": true, "messrs": true, "sgt": true, "maj": true,
	"ft": true, "ave": true, "u.s": true, "i.e": true, "e.g": true,
}

// splitSentences splits a paragraph at '.', '!' and '?' (plus any closing
// quotes or brackets) followed by a space and an upper-case letter, a
// digit or an opening quote, unless the period ends a known abbreviation
// or a single-letter initial ("H. L. Mencken").
func splitSentences(p string) []string {
	rs := []rune(p)
	var out []string
	start := 0
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(rs) && strings.ContainsRune("\"'’”)]", rs[j]) {
			j++
		}
		if j >= len(rs) || rs[j] != ' ' {
			continue
		}
		k := j
		for k < len(rs) && rs[k] == ' ' {
			k++
		}
		if k >= len(rs) {
			continue
		}
		n := rs[k]
		if !(unicode.IsUpper(n) || unicode.IsDigit(n) || strings.ContainsRune("\"'‘“", n)) {
			continue
		}
		if c == '.' {
			w := i
			for w > start && !unicode.IsSpace(rs[w-1]) {
				w--
			}
			word := strings.ToLower(strings.TrimLeft(string(rs[w:i]), "\"'‘“("))
			if abbreviations[word] || (utf8.RuneCountInString(word) == 1 && unicode.IsLetter([]rune(word)[0])) {
				continue
			}
		}
		if s := cleanSentence(string(rs[start:j])); s != "" {
			out = append(out, s)
		}
		start = k
		i = k - 1
	}
	if s := cleanSentence(string(rs[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// cleanSentence makes a sentence fit to be read aloud: quotes, underscores
// (italics) and brackets go, dashes become commas, spaces are collapsed.
func cleanSentence(s string) string {
	r := strings.NewReplacer(
		"--", ", ", "—", ", ", "–", ", ", "_", " ", "\"", " ", "“", " ", "”", " ",
		"‘", "'", "’", "'", "*", " ",
	)
	s = r.Replace(s)
	f := strings.Fields(s)
	for i, w := range f {
		// Quote marks go; apostrophes inside words stay. text.Normalize
		// drops apostrophes at word edges too, so the synthesizer reads
		// what the transcript says.
		f[i] = strings.Trim(w, "'")
	}
	s = strings.Join(strings.Fields(strings.Join(f, " ")), " ")
	s = strings.TrimLeft(s, ",;: ")
	s = strings.ReplaceAll(s, " ,", ",")
	return strings.TrimSpace(s)
}

// normalize runs the project normalizer and checks that the result has only
// lower-case letters, apostrophes and single spaces, with no word made of
// apostrophes alone.
func normalize(s string) (string, bool) {
	n := text.Normalize(s)
	if n == "" {
		return "", false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r == '\'' || r == ' ') {
			return "", false
		}
	}
	for _, w := range strings.Split(n, " ") {
		if strings.Trim(w, "'") == "" {
			return "", false
		}
	}
	return n, true
}

// ttsText is what a synthesizer reads for s: the cleaned source sentence
// when its words, stripped of punctuation and lower-cased, are exactly the
// normalized words (so punctuation can shape the prosody and the audio says
// the transcript), otherwise the normalized text itself (numbers,
// abbreviations and symbols are then read as the transcript spells them).
func ttsText(s sentence) string {
	var words []string
	for _, w := range strings.Fields(s.raw) {
		for _, p := range strings.Split(w, "-") {
			if p = strings.ToLower(strings.Trim(p, ".,;:!?()'")); p != "" {
				words = append(words, p)
			}
		}
	}
	if strings.Join(words, " ") == s.norm {
		return s.raw
	}
	return s.norm
}
