package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A Normalizer rewrites English text into the form ASR models are trained
// and scored on: words of lower-case letters and in-word apostrophes,
// separated by single spaces, with numbers read out as words.
//
// The zero value applies every rule; each field turns one rule off.
// The rules, in order:
//
//  1. Invalid UTF-8 bytes become spaces; the text is put in Unicode NFKC
//     form ("ﬁ" -> "fi", "²" -> "2", "…" -> "...").
//  2. Curly and typewriter quotes become plain ones ("’" and "`" -> "'"),
//     dashes and minus signs become "-".
//  3. Case folding to lower case (KeepCase turns it off).
//  4. Accents are removed: the text is decomposed (NFKD) and combining
//     marks are dropped, "café" -> "cafe" (KeepAccents turns it off and
//     recomposes instead).
//  5. Numbers are read out (KeepDigits turns it off): cardinals
//     ("42" -> "forty two", "1,000,000" -> "one million"), years 1000-2099
//     written as four digits ("1908" -> "nineteen oh eight", "2005" -> "two
//     thousand five", "2019" -> "twenty nineteen"), decimals ("3.5" ->
//     "three point five"), ordinals ("21st" -> "twenty first"), plurals and
//     decades ("1990s", "1990's" -> "nineteen nineties", "'90s" ->
//     "nineties"), percent ("50%" -> "fifty percent"), currency
//     ("$5" -> "five dollars", "$1" -> "one dollar", "$5.50" -> "five
//     dollars fifty cents", "$2 million" -> "two million dollars"; also £, €
//     and ¥). Digit strings with a leading zero are read digit by digit
//     ("007" -> "zero zero seven"), as are strings longer than 36 digits.
//     A number glued to letters is split from them ("mp3" -> "mp three").
//  6. A few abbreviations followed by a period are expanded: mr, mrs, dr,
//     jr, sr, vs (KeepAbbreviations turns it off).
//  7. "&" becomes "and".
//  8. Apostrophes are kept only inside a word ("don't", "o'clock");
//     a run of them there becomes one; elsewhere they are dropped
//     ("'tis" -> "tis", "the boys' toys" -> "the boys toys").
//  9. Hyphens separate words ("well-known" -> "well known"; JoinHyphens
//     joins them instead: "e-mail" -> "email").
//  10. Every other character that is not a letter (or, for non-ASCII
//     scripts, a digit) separates words: punctuation, symbols, spaces.
//
// The output is idempotent: normalizing it again returns it unchanged.
// A Normalizer is safe for concurrent use.
type Normalizer struct {
	KeepCase          bool // do not fold case
	KeepAccents       bool // keep combining marks (output in NFKC)
	KeepDigits        bool // leave digits as they are instead of reading them out
	KeepAbbreviations bool // do not expand "mr." and friends
	JoinHyphens       bool // join hyphenated parts into one word instead of splitting
}

// DefaultNormalizer returns a Normalizer with every rule on (the zero
// value).
func DefaultNormalizer() *Normalizer { return &Normalizer{} }

// Normalize applies the default rules (see Normalizer).
func Normalize(s string) string { return (&Normalizer{}).Normalize(s) }

var abbreviations = map[string]string{
	"mr":  "mister",
	"mrs": "missus",
	"dr":  "doctor",
	"jr":  "junior",
	"sr":  "senior",
	"vs":  "versus",
}

type currency struct {
	one, many, subOne, subMany string
}

var currencies = map[rune]currency{
	'$': {"dollar", "dollars", "cent", "cents"},
	'€': {"euro", "euros", "cent", "cents"},
	'£': {"pound", "pounds", "penny", "pence"},
	'¥': {"yen", "yen", "", ""},
}

var currencyScales = map[string]bool{
	"thousand": true, "million": true, "billion": true, "trillion": true,
}

// Normalize returns s normalized by the rules of n.
func (n *Normalizer) Normalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = norm.NFKC.String(s)
	s = strings.Map(mapPunct, s)
	if !n.KeepCase {
		s = strings.ToLower(s)
	}
	if n.KeepAccents {
		s = norm.NFKC.String(s)
	} else {
		s = norm.NFKD.String(s)
		s = strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) {
				return -1
			}
			return r
		}, s)
	}
	sc := scanner{n: n, r: []rune(s)}
	sc.run()
	return strings.Join(sc.out, " ")
}

// mapPunct maps typographic quotes and dashes to their ASCII forms.
func mapPunct(r rune) rune {
	switch r {
	case '‘', '’', '‚', '‛', 'ʼ', '`', '´', '′':
		return '\''
	case '“', '”', '„', '‟', '″', '«', '»':
		return '"'
	case '‐', '‑', '‒', '–', '—', '―', '−', '⁃':
		return '-'
	}
	return r
}

type scanner struct {
	n   *Normalizer
	r   []rune
	out []string
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isWord reports whether r is part of a word: a letter, a combining mark,
// a non-ASCII number, or (with KeepDigits) an ASCII digit.
func (sc *scanner) isWord(r rune) bool {
	if isDigit(r) {
		return sc.n.KeepDigits
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

func (sc *scanner) at(i int) rune {
	if i < 0 || i >= len(sc.r) {
		return 0
	}
	return sc.r[i]
}

// wordEnds reports whether position i is not inside a word (end of text,
// or a character that is neither a word character nor a digit).
func (sc *scanner) wordEnds(i int) bool {
	r := sc.at(i)
	return r == 0 || !(sc.isWord(r) || isDigit(r))
}

func (sc *scanner) run() {
	r := sc.r
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case !sc.n.KeepDigits && isDigit(c):
			i = sc.number(i, 0)
		case !sc.n.KeepDigits && currencies[c].one != "" && (isDigit(sc.at(i+1)) || sc.at(i+1) == '.' && isDigit(sc.at(i+2))):
			i = sc.number(i+1, c)
		case !sc.n.KeepDigits && c == '.' && isDigit(sc.at(i+1)):
			i = sc.number(i, 0)
		case !sc.n.KeepDigits && c == '\'' && isDigit(sc.at(i+1)) && isDigit(sc.at(i+2)) && sc.lowerAt(i+3) == 's' && sc.wordEnds(i+4) && !sc.isWord(sc.at(i-1)):
			// '90s -> nineties
			w := appendCardinal(nil, string(r[i+1:i+3]))
			w[len(w)-1] = plural(w[len(w)-1])
			sc.out = append(sc.out, w...)
			i += 4
		case c == '&':
			sc.out = append(sc.out, "and")
			i++
		case sc.isWord(c):
			i = sc.word(i)
		default:
			i++
		}
	}
}

func (sc *scanner) lowerAt(i int) rune { return unicode.ToLower(sc.at(i)) }

// word scans the word starting at i and returns the index after it.
func (sc *scanner) word(i int) int {
	r := sc.r
	var b strings.Builder
	for i < len(r) {
		c := r[i]
		if sc.isWord(c) {
			b.WriteRune(c)
			i++
			continue
		}
		if c == '\'' {
			j := i
			for j < len(r) && r[j] == '\'' {
				j++
			}
			if j < len(r) && sc.isWord(r[j]) {
				b.WriteByte('\'')
				i = j
				continue
			}
			break
		}
		if c == '-' && sc.n.JoinHyphens && i+1 < len(r) && sc.isWord(r[i+1]) {
			i++
			continue
		}
		break
	}
	w := b.String()
	if !sc.n.KeepAbbreviations && sc.at(i) == '.' {
		if e, ok := abbreviations[strings.ToLower(w)]; ok {
			if first, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(first) {
				e = strings.ToUpper(e[:1]) + e[1:]
			}
			sc.out = append(sc.out, e)
			return i + 1
		}
	}
	sc.out = append(sc.out, w)
	return i
}

// number reads the number starting at i (a digit, or a '.' before a
// digit) and returns the index after it. cur is the currency symbol that
// preceded it, or 0.
func (sc *scanner) number(i int, cur rune) int {
	r := sc.r
	start := i
	for i < len(r) && isDigit(r[i]) {
		i++
	}
	intPart := string(r[start:i])
	grouped := false
	if len(intPart) >= 1 && len(intPart) <= 3 && intPart[0] != '0' {
		for sc.at(i) == ',' && isDigit(sc.at(i+1)) && isDigit(sc.at(i+2)) && isDigit(sc.at(i+3)) && !isDigit(sc.at(i+4)) {
			intPart += string(r[i+1 : i+4])
			i += 4
			grouped = true
		}
	}
	frac := ""
	hasFrac := false
	if sc.at(i) == '.' && isDigit(sc.at(i+1)) {
		j := i + 1
		for j < len(r) && isDigit(r[j]) {
			j++
		}
		frac = string(r[i+1 : j])
		hasFrac = true
		i = j
	}

	// Suffixes.
	percent, ord, plur := false, false, false
	switch {
	case sc.at(i) == '%':
		percent = true
		i++
	case cur == 0 && !hasFrac && intPart != "" && isOrdinalSuffix(sc.lowerAt(i), sc.lowerAt(i+1)) && sc.wordEnds(i+2):
		ord = true
		i += 2
	case cur == 0 && !hasFrac && intPart != "" && sc.lowerAt(i) == 's' && sc.wordEnds(i+1):
		plur = true
		i++
	case cur == 0 && !hasFrac && intPart != "" && sc.at(i) == '\'' && sc.lowerAt(i+1) == 's' && sc.wordEnds(i+2):
		plur = true
		i += 2
	}

	var w []string
	switch {
	case intPart == "":
	case len(intPart) > 1 && intPart[0] == '0':
		w = appendDigits(w, intPart)
	case !grouped && !hasFrac && cur == 0 && !percent && len(intPart) == 4 && atoi(intPart) >= 1000 && atoi(intPart) <= 2099 && !ord:
		w = appendYear(w, atoi(intPart))
	default:
		w = appendCardinal(w, intPart)
	}
	if ord {
		w[len(w)-1] = ordinal(w[len(w)-1])
	}
	if plur {
		w[len(w)-1] = plural(w[len(w)-1])
	}

	if cur != 0 {
		return sc.money(i, cur, intPart, frac, hasFrac, w)
	}
	if hasFrac {
		w = append(w, "point")
		w = appendDigits(w, frac)
	}
	if percent {
		w = append(w, "percent")
	}
	sc.out = append(sc.out, w...)
	return i
}

func isOrdinalSuffix(a, b rune) bool {
	switch {
	case a == 's' && b == 't', a == 'n' && b == 'd', a == 'r' && b == 'd', a == 't' && b == 'h':
		return true
	}
	return false
}

// money finishes an amount of currency cur whose integer part reads as w.
func (sc *scanner) money(i int, cur rune, intPart, frac string, hasFrac bool, w []string) int {
	c := currencies[cur]
	// "$2 million" -> two million dollars
	j := i
	for sc.at(j) == ' ' {
		j++
	}
	if j > i {
		k := j
		for k < len(sc.r) && unicode.IsLetter(sc.r[k]) {
			k++
		}
		if sc.wordEnds(k) && currencyScales[strings.ToLower(string(sc.r[j:k]))] {
			if hasFrac {
				w = append(w, "point")
				w = appendDigits(w, frac)
			}
			if len(w) == 0 {
				w = append(w, "zero")
			}
			w = append(w, strings.ToLower(string(sc.r[j:k])), c.many)
			sc.out = append(sc.out, w...)
			return k
		}
	}
	if hasFrac && (len(frac) != 2 || c.subMany == "") {
		if len(w) == 0 {
			w = append(w, "zero")
		}
		w = append(w, "point")
		w = appendDigits(w, frac)
		sc.out = append(sc.out, append(w, c.many)...)
		return i
	}
	whole := strings.TrimLeft(intPart, "0") != ""
	cents := hasFrac && strings.TrimLeft(frac, "0") != ""
	if whole || !cents {
		if len(w) == 0 {
			w = append(w, "zero")
		}
		if intPart == "1" {
			w = append(w, c.one)
		} else {
			w = append(w, c.many)
		}
	} else {
		w = w[:0]
	}
	if cents {
		w = appendCardinal(w, frac)
		if frac == "01" {
			w = append(w, c.subOne)
		} else {
			w = append(w, c.subMany)
		}
	}
	sc.out = append(sc.out, w...)
	return i
}
