package punct

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// toUTF8 returns b as a string, reading it as Latin-1 when it is not valid
// UTF-8, without a byte-order mark.
func toUTF8(b []byte) string {
	if !utf8.Valid(b) {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r)
	}
	return strings.TrimPrefix(string(b), "\ufeff")
}

// paragraphs splits text at blank lines and joins each paragraph's lines.
func paragraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		p = strings.Join(strings.Fields(p), " ")
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// keep reports whether a parsed paragraph is prose: headings (no lower-case
// letter) and short lines without final punctuation (titles, dates, verse
// numbers) are not.
func keep(para string, toks []Token) bool {
	if len(toks) == 0 || !strings.ContainsFunc(para, unicode.IsLower) {
		return false
	}
	return len(toks) >= 6 || toks[len(toks)-1].Punct != None
}

// ReadGutenberg reads a Project Gutenberg book: the text between the
// "*** START" and "*** END" markers (all of it when they are missing), cut
// into paragraphs, headings dropped, as one token stream.
func ReadGutenberg(b []byte) []Token {
	text := toUTF8(b)
	if i := strings.Index(text, "*** START"); i >= 0 {
		if j := strings.Index(text[i:], "\n"); j >= 0 {
			text = text[i+j:]
		}
	}
	if i := strings.Index(text, "*** END"); i >= 0 {
		text = text[:i]
	}
	return readProse(text)
}

func readProse(text string) []Token {
	var out []Token
	for _, p := range paragraphs(text) {
		if t := Parse(p); keep(p, t) {
			out = append(out, t...)
		}
	}
	return out
}

// dropAudience removes parenthesized audience reactions: "(Applause.)",
// "(Laughter.)", "(Cheers.)" in any case.
func dropAudience(text string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '(')
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := strings.IndexByte(text[i:], ')')
		inner := strings.ToLower(text[i+1 : i+max(j, 1)])
		if j < 0 || !strings.HasPrefix(inner, "applause") && !strings.HasPrefix(inner, "laughter") && !strings.HasPrefix(inner, "cheers") {
			b.WriteString(text[:i+1])
			text = text[i+1:]
			continue
		}
		b.WriteString(text[:i])
		b.WriteByte(' ')
		text = text[i+j+1:]
	}
}

// ReadSpeech reads a State of the Union or inaugural address (the NLTK
// corpora: UTF-8 or Latin-1, one paragraph per line or per block):
// "(Applause.)" and "THE PRESIDENT:" markers and headings are dropped.
func ReadSpeech(b []byte) []Token {
	lines := strings.Split(strings.ReplaceAll(dropAudience(toUTF8(b)), "\r\n", "\n"), "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if n := len("THE PRESIDENT"); len(l) > n && strings.EqualFold(l[:n], "THE PRESIDENT") {
			if r := strings.TrimSpace(l[n:]); strings.HasPrefix(r, ":") {
				l = strings.TrimSpace(r[1:])
			}
		}
		lines[i] = l
	}
	return readProse(strings.Join(lines, "\n\n"))
}

// ReadWikiText reads WikiText's tokenized text: heading lines (" = ... = ")
// are skipped, "@-@", "@,@" and "@.@" are joined back, and each "<unk>"
// becomes a word whose case is unknown (not trained on).
func ReadWikiText(b []byte) []Token {
	var out []Token
	r := strings.NewReplacer(" @-@ ", "-", " @,@ ", ",", " @.@ ", ".")
	for _, line := range strings.Split(toUTF8(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "=") {
			continue
		}
		line = r.Replace(line)
		toks := Parse(line)
		for i := range toks {
			if toks[i].Word == "unk" {
				toks[i].Word, toks[i].Case = Unknown, noCase
			}
		}
		// "<unk>" parses as "unk" with its brackets as marks; a real
		// "unk" does not occur in WikiText-2.
		out = append(out, toks...)
	}
	return out
}

// Splits are the texts of /work/shared/data/text (see LoadSplits) as token
// streams, one per document.
type Splits struct {
	Train [][]Token
	Dev   [][]Token // State of the Union 2001-2002
	// Held out, never trained on: a Gutenberg book (The Great Gatsby) and
	// the four most recent State of the Union addresses (2003-2006).
	TestBook, TestSOTU [][]Token
	Names              map[string][]string // file names of each split
}

// LoadSplits reads the text corpora under dir (the layout of the project's
// shared text data: gutenberg-modern/, nltk-state_union/, nltk-inaugural/,
// wikitext-2/) into training, development and test streams. Training text
// is four Gutenberg novels, the State of the Union addresses 1945-2000, the
// inaugural addresses from 1901 and WikiText-2's training part; The Great
// Gatsby and the addresses of 2003-2006 are held out for testing and those
// of 2001-2002 are the development set.
func LoadSplits(dir string) (*Splits, error) {
	s := &Splits{Names: map[string][]string{}}
	add := func(split string, dst *[][]Token, path string, read func([]byte) []Token) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		t := read(b)
		if len(t) == 0 {
			return fmt.Errorf("punct: no text in %s", path)
		}
		*dst = append(*dst, t)
		s.Names[split] = append(s.Names[split], filepath.Base(path))
		return nil
	}
	books, _ := filepath.Glob(filepath.Join(dir, "gutenberg-modern", "*", "*.txt"))
	sort.Strings(books)
	if len(books) == 0 {
		return nil, fmt.Errorf("punct: no Gutenberg books under %s", dir)
	}
	for _, p := range books {
		dst, split := &s.Train, "train"
		if strings.Contains(p, "great-gatsby") {
			dst, split = &s.TestBook, "test-book"
		}
		if err := add(split, dst, p, ReadGutenberg); err != nil {
			return nil, err
		}
	}
	sotu, _ := filepath.Glob(filepath.Join(dir, "nltk-state_union", "*.txt"))
	sort.Strings(sotu)
	for _, p := range sotu {
		year := filepath.Base(p)[:4]
		dst, split := &s.Train, "train"
		switch {
		case year >= "2003":
			dst, split = &s.TestSOTU, "test-sotu"
		case year >= "2001":
			dst, split = &s.Dev, "dev"
		}
		if err := add(split, dst, p, ReadSpeech); err != nil {
			return nil, err
		}
	}
	inaug, _ := filepath.Glob(filepath.Join(dir, "nltk-inaugural", "*.txt"))
	sort.Strings(inaug)
	for _, p := range inaug {
		if filepath.Base(p)[:4] <= "1900" {
			continue
		}
		if err := add("train", &s.Train, p, ReadSpeech); err != nil {
			return nil, err
		}
	}
	if err := add("train", &s.Train, filepath.Join(dir, "wikitext-2", "train.txt"), ReadWikiText); err != nil {
		return nil, err
	}
	if len(s.TestBook) == 0 || len(s.TestSOTU) == 0 || len(s.Dev) == 0 {
		return nil, fmt.Errorf("punct: %s lacks held-out text (The Great Gatsby, State of the Union 2001-2006)", dir)
	}
	return s, nil
}

// Count returns the number of tokens in docs.
func Count(docs [][]Token) int {
	n := 0
	for _, d := range docs {
		n += len(d)
	}
	return n
}
