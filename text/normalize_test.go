package text

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Hand-checked expectations, one group per rule of Normalizer.
var normalizeTests = []struct {
	rule, in, want string
}{
	// 1. NFKC, invalid UTF-8.
	{"nfkc", "ﬁne ﬂy", "fine fly"},
	{"nfkc", "x²", "x two"},
	{"nfkc", "wait…", "wait"},
	{"nfkc", "ＦＵＬＬ width", "full width"},
	{"utf8", "a\xffb", "a b"},
	// 2. quotes and dashes.
	{"quotes", "don’t “stop”", "don't stop"},
	{"quotes", "it`s", "it's"},
	{"dashes", "yes—no–maybe", "yes no maybe"},
	// 3. case.
	{"case", "The QUICK Brown", "the quick brown"},
	// 4. accents.
	{"accents", "Café naïve Ántonia", "cafe naive antonia"},
	// 5. numbers.
	{"cardinal", "0", "zero"},
	{"cardinal", "7 dwarfs", "seven dwarfs"},
	{"cardinal", "13", "thirteen"},
	{"cardinal", "42", "forty two"},
	{"cardinal", "100", "one hundred"},
	{"cardinal", "101", "one hundred one"},
	{"cardinal", "999", "nine hundred ninety nine"},
	{"cardinal", "12345", "twelve thousand three hundred forty five"},
	{"cardinal", "1,000,000", "one million"},
	{"cardinal", "2,500", "two thousand five hundred"},
	{"cardinal", "1000000", "one million"},
	{"cardinal", "3000", "three thousand"},
	{"cardinal", "1,2,3", "one two three"},
	{"cardinal", "7,000,000,000", "seven billion"},
	{"leading zero", "007", "zero zero seven"},
	{"year", "1908", "nineteen oh eight"},
	{"year", "in 1776 they", "in seventeen seventy six they"},
	{"year", "1900", "nineteen hundred"},
	{"year", "2000", "two thousand"},
	{"year", "2005", "two thousand five"},
	{"year", "2019", "twenty nineteen"},
	{"year", "1066", "ten sixty six"},
	{"year", "1000", "one thousand"},
	{"not year", "1,908", "one thousand nine hundred eight"},
	{"not year", "2100", "two thousand one hundred"},
	{"decimal", "3.5", "three point five"},
	{"decimal", "0.25", "zero point two five"},
	{"decimal", ".5", "point five"},
	{"decimal", "3.14159", "three point one four one five nine"},
	{"decimal", "end 3.", "end three"},
	{"ordinal", "1st", "first"},
	{"ordinal", "2nd", "second"},
	{"ordinal", "3rd", "third"},
	{"ordinal", "4th", "fourth"},
	{"ordinal", "12th", "twelfth"},
	{"ordinal", "21st", "twenty first"},
	{"ordinal", "20th century", "twentieth century"},
	{"ordinal", "100th", "one hundredth"},
	{"ordinal", "1908th", "one thousand nine hundred eighth"},
	{"ordinal", "21ST", "twenty first"},
	{"decade", "1990s", "nineteen nineties"},
	{"decade", "1990's", "nineteen nineties"},
	{"decade", "the '90s", "the nineties"},
	{"decade", "the 1900s", "the nineteen hundreds"},
	{"decade", "her 20s", "her twenties"},
	{"plural", "6s and 7s", "sixes and sevens"},
	{"percent", "50%", "fifty percent"},
	{"percent", "3.5%", "three point five percent"},
	{"currency", "$5", "five dollars"},
	{"currency", "$1", "one dollar"},
	{"currency", "$5.50", "five dollars fifty cents"},
	{"currency", "$1.01", "one dollar one cent"},
	{"currency", "$0.50", "fifty cents"},
	{"currency", "$.99", "ninety nine cents"},
	{"currency", "$3.00", "three dollars"},
	{"currency", "$2 million", "two million dollars"},
	{"currency", "$1.5 billion", "one point five billion dollars"},
	{"currency", "$1,000", "one thousand dollars"},
	{"currency", "$1.234", "one point two three four dollars"},
	{"currency", "£20", "twenty pounds"},
	{"currency", "£1.50", "one pound fifty pence"},
	{"currency", "€3", "three euros"},
	{"currency", "¥100", "one hundred yen"},
	{"currency", "$ 5", "five"},
	{"glued", "mp3", "mp three"},
	{"glued", "b52", "b fifty two"},
	{"time", "10:30", "ten thirty"},
	{"big", "1" + strings.Repeat("0", 33), "one decillion"},
	{"big", strings.Repeat("9", 36)[:1] + strings.Repeat("0", 35), "nine hundred decillion"},
	{"huge", "1234567890123456789012345678901234567890", "one two three four five six seven eight nine zero one two three four five six seven eight nine zero one two three four five six seven eight nine zero one two three four five six seven eight nine zero"},
	// 6. abbreviations.
	{"abbrev", "Mr. Smith and Mrs. Jones", "mister smith and missus jones"},
	{"abbrev", "Dr. No", "doctor no"},
	{"abbrev", "mr smith", "mr smith"},
	// 7. ampersand.
	{"ampersand", "Smith & Sons", "smith and sons"},
	{"ampersand", "AT&T", "at and t"},
	// 8. apostrophes.
	{"apostrophe", "don't", "don't"},
	{"apostrophe", "o'clock", "o'clock"},
	{"apostrophe", "'tis", "tis"},
	{"apostrophe", "the boys' toys", "the boys toys"},
	{"apostrophe", "'quoted'", "quoted"},
	{"apostrophe", "rock''n", "rock'n"},
	// 9. hyphens.
	{"hyphen", "well-known", "well known"},
	{"hyphen", "pages 5-10", "pages five ten"},
	// 10. punctuation and spacing.
	{"punct", "Hello, world! How are you?", "hello world how are you"},
	{"punct", "  lots   of\tspace\n", "lots of space"},
	{"punct", "(a) [b] {c} <d>", "a b c d"},
	{"punct", "", ""},
	{"punct", "?!", ""},
	{"punct", "e-mail: x@y.com", "e mail x y com"},
}

func TestNormalize(t *testing.T) {
	for _, tt := range normalizeTests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("%s: Normalize(%q) = %q, want %q", tt.rule, tt.in, got, tt.want)
		}
	}
}

func TestNormalizeOptions(t *testing.T) {
	tests := []struct {
		n       Normalizer
		in, out string
	}{
		{Normalizer{KeepCase: true}, "The Mr. Smith 21ST", "The Mister Smith twenty first"},
		{Normalizer{KeepAccents: true}, "Café naïve", "café naïve"},
		{Normalizer{KeepDigits: true}, "In 1908, 3.5% of $5", "in 1908 3 5 of 5"},
		{Normalizer{KeepDigits: true}, "the 1990's", "the 1990's"},
		{Normalizer{KeepAbbreviations: true}, "Mr. Smith", "mr smith"},
		{Normalizer{JoinHyphens: true}, "e-mail well-known -x y-", "email wellknown x y"},
	}
	for _, tt := range tests {
		if got := tt.n.Normalize(tt.in); got != tt.out {
			t.Errorf("%+v.Normalize(%q) = %q, want %q", tt.n, tt.in, got, tt.out)
		}
	}
}

var allNormalizers = []Normalizer{
	{},
	{KeepCase: true},
	{KeepAccents: true},
	{KeepDigits: true},
	{KeepAbbreviations: true},
	{JoinHyphens: true},
	{KeepCase: true, KeepAccents: true, KeepDigits: true, JoinHyphens: true},
}

// checkNormalized verifies the output invariants of the default rules
// and idempotence under every option set.
func checkNormalized(t *testing.T, in string) {
	t.Helper()
	for _, n := range allNormalizers {
		once := n.Normalize(in)
		twice := n.Normalize(once)
		if once != twice {
			t.Fatalf("%+v not idempotent on %q:\n once  %q\n twice %q", n, in, once, twice)
		}
		if !utf8.ValidString(once) {
			t.Fatalf("%+v: invalid UTF-8 output %q for %q", n, once, in)
		}
		if strings.HasPrefix(once, " ") || strings.HasSuffix(once, " ") || strings.Contains(once, "  ") {
			t.Fatalf("%+v: bad spacing %q for %q", n, once, in)
		}
		if !n.KeepDigits && strings.ContainsAny(once, "0123456789") {
			t.Fatalf("%+v: digits left in %q for %q", n, once, in)
		}
	}
}

func TestNormalizeIdempotentTable(t *testing.T) {
	for _, tt := range normalizeTests {
		checkNormalized(t, tt.in)
	}
}

// TestNormalizeCorpus normalizes real text from the shared corpora and
// checks idempotence and that the default output fits the default
// character alphabet apart from non-Latin letters.
func TestNormalizeCorpus(t *testing.T) {
	files := corpusFiles(t)
	lines := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		s := bufio.NewScanner(fh)
		s.Buffer(nil, 1<<20)
		for s.Scan() && lines < 20000 {
			lines++
			checkNormalized(t, s.Text())
		}
		fh.Close()
	}
	t.Logf("%d lines from %d files", lines, len(files))
}

func corpusFiles(t testing.TB) []string {
	root := filepath.Join("..", "..", "shared", "data", "text")
	if d := os.Getenv("ECOUTE_TEXT_DATA"); d != "" {
		root = d
	}
	var files []string
	for _, g := range []string{"harvard-sentences/harvsents.txt", "gutenberg-modern/*/*.txt", "nltk-state_union/*.txt"} {
		m, _ := filepath.Glob(filepath.Join(root, g))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("no text corpus under %s", root)
	}
	return files
}

func FuzzNormalize(f *testing.F) {
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkNormalized(t, s)
	})
}

func BenchmarkNormalize(b *testing.B) {
	s := "Mr. Smith paid $5.50 on the 21st of May, 1908 — that's 50% more than in the 1890s!"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Normalize(s)
	}
}
