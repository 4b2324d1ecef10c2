package punct

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Punct is the punctuation that follows a word.
type Punct uint8

// Punctuation classes (Tilk & Alumäe 2016).
const (
	None     Punct = iota // no punctuation
	Comma                 // , : and dashes
	Period                // . ! ;
	Question              // ?
	numPunct
)

// String returns the mark written for p ("" for None).
func (p Punct) String() string {
	switch p {
	case Comma:
		return ","
	case Period:
		return "."
	case Question:
		return "?"
	}
	return ""
}

// Name returns the class name: "none", "comma", "period" or "question".
func (p Punct) Name() string {
	switch p {
	case Comma:
		return "comma"
	case Period:
		return "period"
	case Question:
		return "question"
	}
	return "none"
}

// Case is the letter case of a word.
type Case uint8

// Cases.
const (
	Lower       Case = iota // all letters lower case ("the", "3rd")
	Capitalized             // first letter upper case ("Paris", "I", "McKay")
	Upper                   // every letter upper case, two or more letters ("NASA")
	numCase
	noCase Case = 255 // unknown (a WikiText <unk>): not scored, not trained
)

// Name returns "lower", "capitalized" or "upper".
func (c Case) Name() string {
	switch c {
	case Capitalized:
		return "capitalized"
	case Upper:
		return "upper"
	}
	return "lower"
}

// Token is one word of punctuated text: the word lowercased, the
// punctuation after it and its case.
type Token struct {
	Word  string
	Punct Punct
	Case  Case
}

// abbreviations end in a period that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "jr": true, "sr": true,
	"messrs": true, "prof": true, "gen": true, "gov": true, "sen": true, "rep": true,
	"rev": true, "capt": true, "col": true, "lt": true, "sgt": true, "mt": true,
	"vs": true,
}

// isWordRune reports whether r belongs to a word's core (letters, digits).
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Parse splits punctuated, cased text into tokens. Each white-space
// separated piece is cut into leading marks (dropped), a core from its
// first to its last letter or digit (kept, lowercased, with the marks
// inside such as "don't", "1,000" or "u.s"), and trailing marks, which
// give the word's Punct: '?' Question; '.', '!' or ';' Period; ',', ':' or
// a dash Comma (after a known abbreviation such as "Mr." a lone period is
// part of the word). Pieces without a letter or digit ("--", "—", "…")
// add their marks to the previous word. Invalid UTF-8 is read as U+FFFD
// marks. Any string is accepted.
func Parse(text string) []Token {
	var toks []Token
	for _, piece := range strings.Fields(text) {
		i := strings.IndexFunc(piece, isWordRune)
		if i < 0 {
			if len(toks) > 0 {
				toks[len(toks)-1].Punct = merge(toks[len(toks)-1].Punct, marks(piece))
			}
			continue
		}
		j := strings.LastIndexFunc(piece, isWordRune)
		_, n := utf8.DecodeRuneInString(piece[j:])
		core, tail := piece[i:j+n], piece[j+n:]
		if len(toks) > 0 {
			// Leading dashes ("--and") punctuate the previous word.
			if lead := piece[:i]; strings.ContainsAny(lead, "-—–") {
				toks[len(toks)-1].Punct = merge(toks[len(toks)-1].Punct, Comma)
			}
		}
		lw := strings.ToLower(core)
		p := marks(tail)
		if p == Period && abbreviations[lw] && strings.Count(tail, ".") == 1 && !strings.ContainsAny(tail, "!?;") {
			p = None
		}
		toks = append(toks, Token{Word: lw, Punct: p, Case: CaseOf(core)})
	}
	return toks
}

// merge combines two marks after one word: the stronger wins
// (Question > Period > Comma > None).
func merge(a, b Punct) Punct { return max(a, b) }

// marks returns the class of a run of trailing marks.
func marks(s string) Punct {
	p := None
	for _, r := range s {
		switch r {
		case '?', '¿':
			p = merge(p, Question)
		case '.', '!', ';', '…':
			p = merge(p, Period)
		case ',', ':', '-', '—', '–':
			p = merge(p, Comma)
		}
	}
	return p
}

// CaseOf returns the case of a written word: Upper when it has two or more
// letters, all upper case; Capitalized when its first letter is upper (or
// title) case; else Lower.
func CaseOf(w string) Case {
	letters, upper := 0, 0
	first := rune(-1)
	for _, r := range w {
		if !unicode.IsLetter(r) {
			continue
		}
		if first < 0 {
			first = r
		}
		letters++
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			upper++
		}
	}
	switch {
	case letters >= 2 && upper == letters:
		return Upper
	case first >= 0 && (unicode.IsUpper(first) || unicode.IsTitle(first)):
		return Capitalized
	}
	return Lower
}

// ApplyCase writes w in case c: Lower leaves it as given, Capitalized
// turns its first letter to title case, Upper turns all letters to upper
// case. Invalid UTF-8 is kept byte for byte.
func ApplyCase(w string, c Case) string {
	switch c {
	case Upper:
		if !utf8.ValidString(w) {
			return w
		}
		return strings.ToUpper(w)
	case Capitalized:
		i := strings.IndexFunc(w, unicode.IsLetter)
		if i < 0 {
			return w
		}
		r, n := utf8.DecodeRuneInString(w[i:])
		if r == utf8.RuneError {
			return w
		}
		return w[:i] + string(unicode.ToTitle(r)) + w[i+n:]
	}
	return w
}

// Render writes tokens as text: each word in its case followed by its
// punctuation, separated by spaces.
func Render(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ApplyCase(t.Word, t.Case))
		b.WriteString(t.Punct.String())
	}
	return b.String()
}
