package text

import "strings"

var ones = [...]string{
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
	"seventeen", "eighteen", "nineteen",
}

var tens = [...]string{
	"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
}

// scales are the names of successive powers of one thousand (short scale).
var scales = [...]string{
	"", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion",
	"sextillion", "septillion", "octillion", "nonillion", "decillion",
}

// maxCardinalDigits is the longest digit string read as one cardinal
// number; longer strings are read digit by digit.
const maxCardinalDigits = 3 * len(scales)

// appendBelowThousand appends the words for n (0 < n < 1000).
func appendBelowThousand(w []string, n int) []string {
	if n >= 100 {
		w = append(w, ones[n/100], "hundred")
		n %= 100
	}
	if n >= 20 {
		w = append(w, tens[n/10])
		n %= 10
	}
	if n > 0 {
		w = append(w, ones[n])
	}
	return w
}

// appendCardinal appends the words of the decimal digit string d (ASCII
// digits only, no leading zeros unless d == "0", at most
// maxCardinalDigits digits): "1908" -> one thousand nine hundred eight.
func appendCardinal(w []string, d string) []string {
	d = strings.TrimLeft(d, "0")
	if d == "" {
		return append(w, "zero")
	}
	if len(d) > maxCardinalDigits {
		return appendDigits(w, d)
	}
	// Split into groups of three from the right.
	ngroups := (len(d) + 2) / 3
	first := len(d) - 3*(ngroups-1)
	for g := 0; g < ngroups; g++ {
		var s string
		if g == 0 {
			s = d[:first]
		} else {
			s = d[first+3*(g-1) : first+3*g]
		}
		n := atoi(s)
		if n == 0 {
			continue
		}
		w = appendBelowThousand(w, n)
		if sc := scales[ngroups-1-g]; sc != "" {
			w = append(w, sc)
		}
	}
	return w
}

// appendDigits reads d digit by digit: "007" -> zero zero seven.
func appendDigits(w []string, d string) []string {
	for i := 0; i < len(d); i++ {
		w = append(w, ones[d[i]-'0'])
	}
	return w
}

// appendYear appends the usual English reading of a four-digit year
// 1000..2099: 1908 -> nineteen oh eight, 1900 -> nineteen hundred,
// 2000 -> two thousand, 2005 -> two thousand five, 2019 -> twenty
// nineteen.
func appendYear(w []string, y int) []string {
	hi, lo := y/100, y%100
	switch {
	case y%1000 == 0:
		return append(w, ones[y/1000], "thousand")
	case y > 2000 && y < 2010:
		return append(w, "two", "thousand", ones[lo])
	case lo == 0:
		return append(appendBelowThousand(w, hi), "hundred")
	case lo < 10:
		return append(appendBelowThousand(w, hi), "oh", ones[lo])
	}
	return appendBelowThousand(appendBelowThousand(w, hi), lo)
}

// ordinal turns the last word of a cardinal into its ordinal:
// one -> first, twelve -> twelfth, twenty -> twentieth, hundred -> hundredth.
func ordinal(word string) string {
	switch word {
	case "one":
		return "first"
	case "two":
		return "second"
	case "three":
		return "third"
	case "five":
		return "fifth"
	case "eight":
		return "eighth"
	case "nine":
		return "ninth"
	case "twelve":
		return "twelfth"
	}
	if strings.HasSuffix(word, "y") {
		return word[:len(word)-1] + "ieth"
	}
	return word + "th"
}

// plural turns the last word of a number into its plural, as in decades
// and "in the 1900s": ninety -> nineties, hundred -> hundreds, six -> sixes.
func plural(word string) string {
	if strings.HasSuffix(word, "y") {
		return word[:len(word)-1] + "ies"
	}
	if strings.HasSuffix(word, "x") {
		return word + "es"
	}
	return word + "s"
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
