package punct

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/ecoute/ecoute/internal/safetensors"
	"github.com/ecoute/ecoute/lstm"
)

// Outputs of the linear layer: the punctuation head's rows, then the case
// head's.
const (
	outPunct = int(numPunct)
	outCase  = int(numCase)
	outputs  = outPunct + outCase
)

// Window is the longest run of words the tagger reads at once; longer
// input is read in windows overlapping by half, each word taking the
// prediction of the window in which it is most central.
const Window = 100

// Config describes a tagger.
type Config struct {
	Vocab  *Vocab
	Embed  int // embedding width
	Hidden int // LSTM units per direction
	// Provenance records how the model was trained (free-form, saved in
	// the file).
	Provenance map[string]any
}

// Model is a punctuation and casing tagger: embedding, one bidirectional
// LSTM layer, and a linear layer with both heads. Its parameters are one
// flat buffer, Net.Params.Data. Tagging is safe for concurrent use.
type Model struct {
	Config
	Net  *lstm.Model
	pool sync.Pool // *lstm.Workspace
}

// New returns a model with zero parameters (call Init or load one). It
// panics if c has no vocabulary or a size below 1.
func New(c Config) *Model {
	if c.Vocab == nil || c.Vocab.Size() < 2 || c.Embed <= 0 || c.Hidden <= 0 {
		panic(fmt.Sprintf("punct: bad config embed=%d hidden=%d", c.Embed, c.Hidden))
	}
	return &Model{Config: c, Net: lstm.New(netConfig(c))}
}

func netConfig(c Config) lstm.Config {
	return lstm.Config{Input: c.Embed, Hidden: c.Hidden, Layers: 1, Bidirectional: true, Output: outputs, Vocab: c.Vocab.Size()}
}

// Init sets the parameters as PyTorch would (lstm.Model.Init with a forget
// bias of 1), the embedding scaled to N(0, 0.1²), drawn from seed.
func (m *Model) Init(seed uint64) {
	m.Net.Init(seed, lstm.InitOptions{ForgetBias: 1})
	for i, v := range m.Net.Embed.W() {
		m.Net.Embed.W()[i] = v * 0.1
	}
}

func (m *Model) workspace() *lstm.Workspace {
	if ws, ok := m.pool.Get().(*lstm.Workspace); ok {
		return ws
	}
	return lstm.NewWorkspace(0)
}

// ids returns the input ids of words (lowercased here).
func (m *Model) ids(words []string) []int {
	ids := make([]int, len(words))
	for i, w := range words {
		ids[i] = m.Vocab.ID(strings.ToLower(w))
	}
	return ids
}

// windows returns the start of each window over n words.
func windows(n int) []int {
	if n <= Window {
		return []int{0}
	}
	var s []int
	for st := 0; ; st += Window / 2 {
		if st+Window >= n {
			s = append(s, n-Window)
			return s
		}
		s = append(s, st)
	}
}

// Tag returns, for each word, the most likely punctuation after it and its
// case. Words are lowercased before lookup. It reads any number of words
// (none gives none).
func (m *Model) Tag(words []string) ([]Punct, []Case) {
	n := len(words)
	ps, cs := make([]Punct, n), make([]Case, n)
	if n == 0 {
		return ps, cs
	}
	logits, starts, T := m.logits(m.ids(words))
	B := len(starts)
	for i := range n {
		best, bk := -1, 0
		for k, s := range starts {
			if i < s || i >= s+T {
				continue
			}
			if c := min(i-s, s+T-1-i); c > best {
				best, bk = c, k
			}
		}
		row := logits[((i-starts[bk])*B+bk)*outputs:][:outputs]
		ps[i] = Punct(argmax(row[:outPunct]))
		cs[i] = Case(argmax(row[outPunct:]))
	}
	return ps, cs
}

// logits runs the network over the windows of ids as one batch and
// returns its output [T][B][outputs] (a copy), the windows' starts and T.
func (m *Model) logits(ids []int) ([]float32, []int, int) {
	n := len(ids)
	starts := windows(n)
	T, B := min(n, Window), len(starts)
	in := make([]int, T*B)
	for b, s := range starts {
		for t := range T {
			in[t*B+b] = ids[s+t]
		}
	}
	ws := m.workspace()
	out := slices.Clone(m.Net.Forward(ws, lstm.Batch{IDs: in, T: T, B: B}, false))
	m.pool.Put(ws)
	return out, starts, T
}

func argmax(v []float32) int {
	k := 0
	for i, x := range v {
		if x > v[k] {
			k = i
		}
	}
	return k
}

// Punctuate returns words with their predicted case and the punctuation
// that follows them, one output per input word (so word timestamps stay
// aligned), read as one finished utterance: the first word and each word
// after a period or question mark are capitalized, and the last word ends
// a sentence (a period unless a question mark is predicted). Words are
// lowercased first; marks around them are dropped; a word without a letter
// or digit is kept as given.
func (m *Model) Punctuate(words []string) []string {
	toks := make([]Token, len(words))
	keepAsIs := make([]bool, len(words))
	in := make([]string, len(words))
	for i, w := range words {
		t := Parse(w)
		if len(t) == 0 {
			keepAsIs[i] = true
			in[i] = w
			continue
		}
		// A piece with spaces inside is read as its first word's
		// spelling joined back.
		in[i] = t[0].Word
		for _, x := range t[1:] {
			in[i] += " " + x.Word
		}
		toks[i].Word = in[i]
	}
	ps, cs := m.Tag(in)
	for i := range toks {
		toks[i].Punct, toks[i].Case = ps[i], cs[i]
	}
	finishSentences(toks)
	out := make([]string, len(words))
	for i, t := range toks {
		if keepAsIs[i] {
			out[i] = words[i]
			continue
		}
		out[i] = ApplyCase(t.Word, t.Case) + t.Punct.String()
	}
	return out
}

// finishSentences capitalizes the first word and those after a sentence
// end and ends the last word with a period unless it has one or a
// question mark.
func finishSentences(toks []Token) {
	start := true
	for i := range toks {
		if start && toks[i].Case == Lower {
			toks[i].Case = Capitalized
		}
		start = toks[i].Punct == Period || toks[i].Punct == Question
	}
	if n := len(toks); n > 0 && toks[n-1].Punct != Period && toks[n-1].Punct != Question {
		toks[n-1].Punct = Period
	}
}

// Text punctuates and cases text read as one utterance: it is split into
// words at white space (existing marks are dropped and predicted anew, see
// Parse) and written back with single spaces. Any string is accepted; text
// without a word gives "".
func (m *Model) Text(text string) string {
	toks := Parse(text)
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Word
	}
	ps, cs := m.Tag(words)
	for i := range toks {
		toks[i].Punct, toks[i].Case = ps[i], cs[i]
	}
	finishSentences(toks)
	return Render(toks)
}

// MetadataKey is the safetensors metadata entry holding a model's
// configuration.
const MetadataKey = "punct"

type fileConfig struct {
	Version    int            `json:"version"`
	Embed      int            `json:"embed"`
	Hidden     int            `json:"hidden"`
	Vocab      []string       `json:"vocab"`
	Provenance map[string]any `json:"provenance,omitempty"`
}

// FormatError reports a model file that cannot be loaded.
type FormatError struct{ Msg string }

func (e *FormatError) Error() string { return "punct: model file: " + e.Msg }

// Save writes the model as a safetensors file, weights as F32, or with
// int8 set, each weight matrix as I8 with per-row F32 scales (a quarter of
// the size; the biases stay F32).
func (m *Model) Save(w io.Writer, int8 bool) error {
	cfg, err := json.Marshal(fileConfig{Version: 1, Embed: m.Embed, Hidden: m.Hidden, Vocab: m.Vocab.Words, Provenance: m.Provenance})
	if err != nil {
		return err
	}
	var ts []safetensors.Tensor
	for _, t := range m.Net.Params.Tensors {
		if int8 && len(t.Shape) == 2 {
			q, s := quantizeRows(t.W(), t.Shape[0], t.Shape[1])
			ts = append(ts, safetensors.Tensor{Name: t.Name, Shape: t.Shape, DType: safetensors.I8, Raw: q},
				safetensors.Tensor{Name: t.Name + ".scale", Shape: t.Shape[:1], F32: s})
			continue
		}
		ts = append(ts, safetensors.Tensor{Name: t.Name, Shape: t.Shape, F32: t.W()})
	}
	return safetensors.Write(w, ts, map[string]string{MetadataKey: string(cfg)})
}

// Bytes returns the model file written by Save.
func (m *Model) Bytes(int8 bool) []byte {
	var b bytes.Buffer
	if err := m.Save(&b, int8); err != nil {
		panic(err) // bytes.Buffer does not fail
	}
	return b.Bytes()
}

// quantizeRows quantizes a rows×cols matrix row by row to int8:
// q = round(v/scale), scale = max |v| of the row / 127 (1 for a zero row).
func quantizeRows(v []float32, rows, cols int) ([]byte, []float32) {
	q := make([]byte, len(v))
	scale := make([]float32, rows)
	for r := range rows {
		row := v[r*cols : (r+1)*cols]
		var amax float64
		for _, x := range row {
			amax = math.Max(amax, math.Abs(float64(x)))
		}
		s := float32(amax / 127)
		if s == 0 || math.IsInf(float64(s), 0) || s != s {
			s = 1
		}
		scale[r] = s
		for j, x := range row {
			q[r*cols+j] = byte(int8(max(-127, min(127, math.Round(float64(x/s))))))
		}
	}
	return q, scale
}

// Load reads a model file written by Save. A file that is not a tagger
// (bad container, missing or misshaped tensors, a vocabulary that does not
// match the embedding) gives a *FormatError.
func Load(b []byte) (*Model, error) {
	f, err := safetensors.Parse(b)
	if err != nil {
		return nil, &FormatError{Msg: err.Error()}
	}
	var fc fileConfig
	if err := json.Unmarshal([]byte(f.Metadata[MetadataKey]), &fc); err != nil {
		return nil, &FormatError{Msg: "metadata " + MetadataKey + ": " + err.Error()}
	}
	if fc.Version != 1 || fc.Embed <= 0 || fc.Hidden <= 0 || fc.Embed > 4096 || fc.Hidden > 4096 || len(fc.Vocab) < 2 || len(fc.Vocab) > 1<<20 ||
		fc.Vocab[0] != Unknown || fc.Vocab[1] != Number {
		return nil, &FormatError{Msg: fmt.Sprintf("bad configuration version=%d embed=%d hidden=%d vocab=%d", fc.Version, fc.Embed, fc.Hidden, len(fc.Vocab))}
	}
	v := NewVocab(fc.Vocab[2:])
	if v.Size() != len(fc.Vocab) {
		return nil, &FormatError{Msg: "vocabulary repeats a word"}
	}
	m := New(Config{Vocab: v, Embed: fc.Embed, Hidden: fc.Hidden, Provenance: fc.Provenance})
	for _, t := range m.Net.Params.Tensors {
		info, ok := f.Lookup(t.Name)
		if !ok {
			return nil, &FormatError{Msg: "missing tensor " + t.Name}
		}
		if !slices.Equal(info.Shape, t.Shape) {
			return nil, &FormatError{Msg: fmt.Sprintf("tensor %s has shape %v, want %v", t.Name, info.Shape, t.Shape)}
		}
		dst := t.W()
		if info.DType != safetensors.I8 {
			x, err := f.Float32(t.Name)
			if err != nil {
				return nil, &FormatError{Msg: "tensor " + t.Name + ": " + err.Error()}
			}
			copy(dst, x)
			continue
		}
		rows, cols := t.Shape[0], t.Len/t.Shape[0]
		si, ok := f.Lookup(t.Name + ".scale")
		if !ok || !slices.Equal(si.Shape, []int{rows}) {
			return nil, &FormatError{Msg: fmt.Sprintf("I8 tensor %s needs scales %s.scale of shape [%d]", t.Name, t.Name, rows)}
		}
		scale, err := f.Float32(t.Name + ".scale")
		if err != nil {
			return nil, &FormatError{Msg: "tensor " + t.Name + ".scale: " + err.Error()}
		}
		q, err := f.Bytes(t.Name)
		if err != nil || len(q) != t.Len {
			return nil, &FormatError{Msg: "tensor " + t.Name + ": bad I8 data"}
		}
		for r := range rows {
			for j := range cols {
				dst[r*cols+j] = float32(int8(q[r*cols+j])) * scale[r]
			}
		}
	}
	for _, x := range m.Net.Params.Data {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, &FormatError{Msg: "non-finite weight"}
		}
	}
	return m, nil
}
