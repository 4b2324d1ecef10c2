package punct

import (
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want []Token
	}{
		{"Hello, world!", []Token{{"hello", Comma, Capitalized}, {"world", Period, Lower}}},
		{"Mr. Smith went to the U.S. yesterday -- did he?", []Token{
			{"mr", None, Capitalized}, {"smith", None, Capitalized}, {"went", None, Lower}, {"to", None, Lower},
			{"the", None, Lower}, {"u.s", Period, Upper}, {"yesterday", Comma, Lower}, {"did", None, Lower}, {"he", Question, Lower}}},
		{"“Well,” said NASA; I don't know: 1,000 “things”…", []Token{
			{"well", Comma, Capitalized}, {"said", None, Lower}, {"nasa", Period, Upper}, {"i", None, Capitalized},
			{"don't", None, Lower}, {"know", Comma, Lower}, {"1,000", None, Lower}, {"things", Period, Lower}}},
		{"The people—the will", []Token{{"the", None, Capitalized}, {"people—the", None, Lower}, {"will", None, Lower}}},
		{"and --so on", []Token{{"and", Comma, Lower}, {"so", None, Lower}, {"on", None, Lower}}},
		{"", nil},
		{" ,,, ?? ", nil},
		{"Élan , ÉCOLE ?", []Token{{"élan", Comma, Capitalized}, {"école", Question, Upper}}},
	}
	for _, c := range cases {
		if got := Parse(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Parse(%q)\n got %v\nwant %v", c.in, got, c.want)
		}
	}
}

// TestRoundTrip: rendering parsed tokens and parsing the result gives the
// same tokens, for every combination of case and punctuation.
func TestRoundTrip(t *testing.T) {
	var toks []Token
	words := []string{"hello", "i", "nasa", "don't", "école", "x", "3rd"}
	for i, w := range words {
		for p := None; p < numPunct; p++ {
			for c := Lower; c < numCase; c++ {
				if c == Upper && len([]rune(w)) < 2 || w == "3rd" && c == Upper {
					continue
				}
				toks = append(toks, Token{Word: w, Punct: Punct((int(p) + i) % int(numPunct)), Case: c})
			}
		}
	}
	text := Render(toks)
	if got := Parse(text); !slices.Equal(got, toks) {
		for i := range min(len(got), len(toks)) {
			if got[i] != toks[i] {
				t.Fatalf("token %d: got %v want %v (text %q)", i, got[i], toks[i], text)
			}
		}
		t.Fatalf("got %d tokens, want %d", len(got), len(toks))
	}
}

func TestCase(t *testing.T) {
	for _, c := range []struct {
		w    string
		want Case
	}{{"the", Lower}, {"The", Capitalized}, {"I", Capitalized}, {"A", Capitalized}, {"NASA", Upper}, {"McKay", Capitalized},
		{"3rd", Lower}, {"123", Lower}, {"ǅemal", Capitalized}, {"U.S.", Upper}, {"", Lower}} {
		if got := CaseOf(c.w); got != c.want {
			t.Errorf("CaseOf(%q) = %v, want %v", c.w, got.Name(), c.want.Name())
		}
	}
	for _, c := range []struct {
		w    string
		c    Case
		want string
	}{{"élan", Capitalized, "Élan"}, {"nasa", Upper, "NASA"}, {"'tis", Capitalized, "'Tis"}, {"123", Capitalized, "123"},
		{"straße", Upper, "STRAßE"}, {"\xff\xfeab", Upper, "\xff\xfeab"}, {"\xffab", Capitalized, "\xffAb"}, {"dzemal", Lower, "dzemal"}} {
		if got := ApplyCase(c.w, c.c); got != c.want {
			t.Errorf("ApplyCase(%q, %s) = %q, want %q", c.w, c.c.Name(), got, c.want)
		}
	}
}

func TestReaders(t *testing.T) {
	g := ReadGutenberg([]byte("\ufeffThe Project Gutenberg eBook\r\n*** START OF THE PROJECT ***\r\n\r\nCHAPTER I\r\n\r\nIt was a dark night.\r\nThe end came, slowly?\r\n\r\n*** END OF THE PROJECT ***\r\nLicence text here."))
	want := Parse("It was a dark night. The end came, slowly?")
	if !slices.Equal(g, want) {
		t.Errorf("ReadGutenberg: got %v, want %v", g, want)
	}
	s := ReadSpeech([]byte("ADDRESS ON THE STATE OF THE UNION\nJanuary 31, 2006\n\nTHE PRESIDENT: Thank you all. (Applause.) We will act.\nPresident Bush\n"))
	want = Parse("Thank you all. We will act.")
	if !slices.Equal(s, want) {
		t.Errorf("ReadSpeech: got %v, want %v", s, want)
	}
	for in, want := range map[string]string{
		"a (Applause.) b (laughter) c":     "a   b   c",
		"see (below) and (APPLAUSE) (open": "see (below) and   (open",
		"(":                                "(",
		"(Cheers":                          "(Cheers",
	} {
		if got := dropAudience(in); got != want {
			t.Errorf("dropAudience(%q) = %q, want %q", in, got, want)
		}
	}
	// Latin-1 input.
	s = ReadSpeech([]byte("Caf\xe9 society is here, and it stays."))
	if len(s) == 0 || s[0].Word != "café" {
		t.Errorf("ReadSpeech(Latin-1) = %v", s)
	}
	w := ReadWikiText([]byte(" = Heading = \n The <unk> cost $ 1 @,@ 000 in 2010 @-@ 11 , it said . \n"))
	want = []Token{{"the", None, Capitalized}, {Unknown, None, noCase}, {"cost", None, Lower}, {"1,000", None, Lower},
		{"in", None, Lower}, {"2010-11", Comma, Lower}, {"it", None, Lower}, {"said", Period, Lower}}
	if !slices.Equal(w, want) {
		t.Errorf("ReadWikiText: got %v, want %v", w, want)
	}
}
