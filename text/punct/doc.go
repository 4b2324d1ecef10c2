// Package punct restores punctuation and letter case in a stream of words,
// such as a speech recognizer's lowercase, unpunctuated output.
//
// The tagger reads lowercased words and predicts, for each word, the
// punctuation that follows it (none, comma, period, question mark) and its
// case (lower, Capitalized, UPPER). It is a bidirectional LSTM over word
// embeddings (package lstm) with two softmax heads stacked in one linear
// layer: fc.weight [7][2·Hidden] holds the punctuation head's 4 rows, then
// the case head's 3. The design follows Tilk & Alumäe 2016 ("Bidirectional
// Recurrent Neural Network with Attention Mechanism for Punctuation
// Restoration", Interspeech 2016), without the attention and late fusion;
// their classes are used: COMMA covers commas, colons and dashes, PERIOD
// full stops, exclamation marks and semicolons, QUESTION question marks.
//
// The baseline is the hidden-event n-gram model of Stolcke et al. 1998
// ("Automatic Detection of Sentence Boundaries and Disfluencies Based on
// Recognized Words", ICSLP 1998): an n-gram language model (package
// text/lm) over words with punctuation events as tokens, decoded by Viterbi
// search over the hidden events; its casing is each word's most frequent
// written form, capitalized at the start of a sentence.
//
// # Using it
//
//	m, _ := punct.Default()                       // the embedded English tagger
//	s := m.Text("so what did you do after that i went home")
//	// "So what did you do after that? I went home."
//	out := m.Punctuate([]string{"hello", "world"}) // one output word per input word
//
// Training reads punctuated, cased text (see Parse and the corpus readers
// ReadGutenberg, ReadStateOfUnion and ReadWikiText) and runs Adam over
// windows of words cut at random offsets (Trainer); Evaluate scores
// per-class precision, recall and F1 and casing accuracy.
//
// # Files
//
// A model file is a safetensors container (internal/safetensors) with
// lstm's PyTorch tensor names (embed.weight, lstm.weight_ih_l0, ...,
// fc.weight, fc.bias) and a metadata entry "punct" holding the JSON
// configuration and the vocabulary. Weight matrices may be stored as I8
// with one F32 scale per row in NAME.scale (symmetric: the row's largest
// magnitude / 127).
//
// # Errors
//
// Any string is valid input: words without letters or digits pass through
// unchanged, and invalid UTF-8 is kept byte for byte. Model files that do
// not match return a *FormatError; configuration mistakes by a caller
// (sizes below 1) panic.
package punct
