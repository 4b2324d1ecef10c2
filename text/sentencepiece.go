package text

import (
	"container/heap"
	"fmt"
	"math"
	"os"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// Piece types of a SentencePiece model (sentencepiece_model.proto).
const (
	spNormal      = 1
	spUnknown     = 2
	spControl     = 3
	spUserDefined = 4
	spUnused      = 5
	spByte        = 6
)

// SentencePiece model types.
const (
	spUnigram = 1
	spBPE     = 2
	spWord    = 3
	spChar    = 4
)

// A SentencePiece is a tokenizer read from a SentencePiece .model file
// (BPE or unigram). Encode gives the ids SentencePiece's own
// EncodeAsIds gives: the precompiled normalization rules, white space
// handling, the BPE merge order or the unigram Viterbi path (with
// SentencePiece's float32 scores and tie-breaking), merged unknown runs
// and byte fallback. It is safe for concurrent use.
type SentencePiece struct {
	pieces []string
	scores []float32
	types  []int8

	modelType      int
	byteFallback   bool
	unkID          int
	unkSurface     string
	treatWSAsSufix bool

	norm     *spmNormalizer
	normal   map[string]int // NORMAL, USER_DEFINED and UNUSED pieces
	reserved map[string]int // the others
	byteIDs  [256]int

	// unigram
	maxPieceLen int // longest NORMAL, USER_DEFINED or UNUSED piece, in bytes
	minScore    float32
	maxScore    float32
}

// LoadSentencePieceFile reads a SentencePiece .model file.
func LoadSentencePieceFile(path string) (*SentencePiece, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return LoadSentencePiece(b)
}

func spErr(format string, a ...any) error {
	return &FormatError{What: "sentencepiece model", Msg: fmt.Sprintf(format, a...)}
}

// fields walks the top-level fields of a protobuf message.
func fields(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return spErr("bad protobuf tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var y uint32
			y, n = protowire.ConsumeFixed32(b)
			x = uint64(y)
		case protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return spErr("bad protobuf field %d: %v", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := f(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

// LoadSentencePiece reads a SentencePiece model (the serialized
// ModelProto of a .model file). It returns a *FormatError for malformed
// data or a model type other than BPE and unigram.
func LoadSentencePiece(data []byte) (*SentencePiece, error) {
	m := &SentencePiece{modelType: spUnigram, unkID: -1, unkSurface: " \u2047 "}
	var charsmap []byte
	ns := spmNormalizer{addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true}
	err := fields(data, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1: // pieces
			if typ != protowire.BytesType {
				return spErr("pieces: wrong wire type")
			}
			piece, score, ptype := "", float32(0), int8(spNormal)
			err := fields(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				switch {
				case num == 1 && typ == protowire.BytesType:
					piece = string(v)
				case num == 2 && typ == protowire.Fixed32Type:
					score = math.Float32frombits(uint32(x))
				case num == 3 && typ == protowire.VarintType:
					ptype = int8(x)
				}
				return nil
			})
			if err != nil {
				return err
			}
			m.pieces = append(m.pieces, piece)
			m.scores = append(m.scores, score)
			m.types = append(m.types, ptype)
		case 2: // trainer_spec
			if typ != protowire.BytesType {
				return spErr("trainer_spec: wrong wire type")
			}
			return fields(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				switch num {
				case 3:
					m.modelType = int(x)
				case 24:
					m.treatWSAsSufix = x != 0
				case 35:
					m.byteFallback = x != 0
				case 44:
					m.unkSurface = string(v)
				}
				return nil
			})
		case 3: // normalizer_spec
			if typ != protowire.BytesType {
				return spErr("normalizer_spec: wrong wire type")
			}
			return fields(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				switch num {
				case 2:
					charsmap = append([]byte(nil), v...)
				case 3:
					ns.addDummyPrefix = x != 0
				case 4:
					ns.removeExtraWhitespaces = x != 0
				case 5:
					ns.escapeWhitespaces = x != 0
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m.modelType != spUnigram && m.modelType != spBPE {
		return nil, spErr("model type %d not supported (only unigram and BPE)", m.modelType)
	}
	if len(m.pieces) == 0 {
		return nil, spErr("no pieces")
	}
	norm, err := newSPMNormalizer(charsmap)
	if err != nil {
		return nil, err
	}
	norm.addDummyPrefix, norm.removeExtraWhitespaces, norm.escapeWhitespaces = ns.addDummyPrefix, ns.removeExtraWhitespaces, ns.escapeWhitespaces
	norm.treatWhitespaceAsSufix = m.treatWSAsSufix
	m.norm = norm

	// InitializePieces (model_interface.cc).
	m.normal = map[string]int{}
	m.reserved = map[string]int{}
	for i := range m.byteIDs {
		m.byteIDs[i] = -1
	}
	var user []string
	m.minScore, m.maxScore = math.MaxFloat32, math.SmallestNonzeroFloat32
	for i, p := range m.pieces {
		t := m.types[i]
		if p == "" {
			return nil, spErr("piece %d is empty", i)
		}
		dst := m.reserved
		if t == spNormal || t == spUserDefined || t == spUnused {
			dst = m.normal
		}
		if _, dup := dst[p]; dup {
			return nil, spErr("piece %q is already defined", p)
		}
		dst[p] = i
		switch t {
		case spUserDefined:
			user = append(user, p)
		case spUnknown:
			if m.unkID >= 0 {
				return nil, spErr("unk is already defined")
			}
			m.unkID = i
		case spByte:
			if !m.byteFallback {
				return nil, spErr("byte piece %q in a model without byte_fallback", p)
			}
			var b int
			if _, err := fmt.Sscanf(p, "<0x%02X>", &b); err != nil || len(p) != 6 || b < 0 || b > 255 {
				return nil, spErr("bad byte piece %q", p)
			}
			m.byteIDs[b] = i
		case spNormal:
			m.minScore = min(m.minScore, m.scores[i])
			m.maxScore = max(m.maxScore, m.scores[i])
		}
		if t == spNormal || t == spUserDefined || t == spUnused {
			m.maxPieceLen = max(m.maxPieceLen, len(p))
		}
	}
	if m.unkID < 0 {
		return nil, spErr("unk is not defined")
	}
	if m.byteFallback {
		for b, id := range m.byteIDs {
			if id < 0 {
				return nil, spErr("byte piece <0x%02X> is missing", b)
			}
		}
	}
	m.norm.userDefined = newPrefixMatcher(user)
	return m, nil
}

// pieceToID is ModelInterface::PieceToId.
func (m *SentencePiece) pieceToID(p string) int {
	if id, ok := m.reserved[p]; ok {
		return id
	}
	if id, ok := m.normal[p]; ok {
		return id
	}
	return m.unkID
}

// Normalize returns s as SentencePiece normalizes it before
// segmentation (with ▁ for spaces).
func (m *SentencePiece) Normalize(s string) string { return m.norm.normalize(s) }

type spPiece struct {
	s  string
	id int
}

// encodePieces returns the model's segmentation of normalized text.
func (m *SentencePiece) encodePieces(norm string) []spPiece {
	if m.modelType == spBPE {
		return m.encodeBPE(norm)
	}
	return m.encodeUnigram(norm)
}

// Encode returns the ids of s. It never fails: text outside the
// vocabulary becomes the unknown id (or bytes, with byte fallback).
func (m *SentencePiece) Encode(s string) ([]int, error) {
	var ids []int
	prevUnk := false
	for _, p := range m.encodePieces(m.norm.normalize(s)) {
		isUnk := p.id == m.unkID
		switch {
		case isUnk && m.byteFallback:
			for i := 0; i < len(p.s); i++ {
				ids = append(ids, m.byteIDs[p.s[i]])
			}
		case isUnk && prevUnk:
			// Consecutive unknown pieces merge into one.
		default:
			ids = append(ids, p.id)
		}
		prevUnk = isUnk
	}
	return ids, nil
}

// EncodePieces returns the pieces of s (unknown runs merged, byte
// fallback pieces as <0xNN>).
func (m *SentencePiece) EncodePieces(s string) []string {
	ids, _ := m.Encode(s)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = m.pieces[id]
	}
	return out
}

// symbolPair is a candidate BPE merge (bpe_model.cc).
type symbolPair struct {
	left, right int
	score       float32
	size        int
}

type pairHeap []*symbolPair

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	// SymbolPairComparator inverted: highest score first, then leftmost.
	if h[i].score != h[j].score {
		return h[i].score > h[j].score
	}
	return h[i].left < h[j].left
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(*symbolPair)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type bpeSymbol struct {
	prev, next int
	start, end int // byte range in the normalized text
	freeze     bool
}

// encodeBPE is SentencePiece's bpe::Model::Encode.
func (m *SentencePiece) encodeBPE(norm string) []spPiece {
	if norm == "" {
		return nil
	}
	var syms []bpeSymbol
	for i := 0; i < len(norm); {
		l, found := m.norm.userDefined.match(norm[i:])
		if !found {
			l = min(len(norm)-i, oneCharLen(norm[i]))
		}
		k := len(syms)
		syms = append(syms, bpeSymbol{prev: k - 1, next: k + 1, start: i, end: i + l, freeze: found})
		i += l
	}
	syms[len(syms)-1].next = -1
	revMerge := map[string][2]string{}
	var agenda pairHeap
	add := func(left, right int) {
		if left < 0 || right < 0 || syms[left].freeze || syms[right].freeze {
			return
		}
		p := norm[syms[left].start:syms[right].end]
		id, ok := m.normal[p]
		if !ok {
			return
		}
		heap.Push(&agenda, &symbolPair{left: left, right: right, score: m.scores[id], size: len(p)})
		if m.types[id] == spUnused {
			revMerge[p] = [2]string{norm[syms[left].start:syms[left].end], norm[syms[right].start:syms[right].end]}
		}
	}
	for i := 1; i < len(syms); i++ {
		add(i-1, i)
	}
	for agenda.Len() > 0 {
		top := heap.Pop(&agenda).(*symbolPair)
		l, r := &syms[top.left], &syms[top.right]
		if l.start == l.end || r.start == r.end || (l.end-l.start)+(r.end-r.start) != top.size {
			continue
		}
		l.end = r.end
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = top.left
		}
		r.start, r.end = 0, 0
		add(l.prev, top.left)
		add(top.left, l.next)
	}
	var out []spPiece
	var reseg func(w string)
	reseg = func(w string) {
		id := m.pieceToID(w)
		if m.types[id] != spUnused {
			out = append(out, spPiece{w, id})
			return
		}
		p, ok := revMerge[w]
		if !ok {
			out = append(out, spPiece{w, id})
			return
		}
		reseg(p[0])
		reseg(p[1])
	}
	for i := 0; i >= 0; i = syms[i].next {
		reseg(norm[syms[i].start:syms[i].end])
	}
	return out
}

// encodeUnigram is SentencePiece's unigram::Model::EncodeOptimized, with
// its float32 and float64 arithmetic reproduced so that ties and
// near-ties resolve as they do there.
func (m *SentencePiece) encodeUnigram(norm string) []spPiece {
	if norm == "" {
		return nil
	}
	const unkPenalty = float32(10)
	type node struct {
		id       int
		score    float32
		startsAt int
	}
	size := len(norm)
	unkScore := m.minScore - unkPenalty
	best := make([]node, size+1)
	for i := range best {
		best[i] = node{id: -1, startsAt: -1}
	}
	for start := 0; start < size; {
		here := best[start].score
		mblen := min(oneCharLen(norm[start]), size-start)
		single := false
		for end := start + 1; end <= size && end-start <= m.maxPieceLen; end++ {
			id, ok := m.normal[norm[start:end]]
			if !ok || m.types[id] == spUnused {
				continue
			}
			length := end - start
			var score float64
			if m.types[id] == spUserDefined {
				score = float64(float32(length)*m.maxScore) - 0.1
			} else {
				score = float64(m.scores[id])
			}
			cand := score + float64(here)
			t := &best[end]
			if t.startsAt == -1 || cand > float64(t.score) {
				t.score = float32(cand)
				t.startsAt = start
				t.id = id
			}
			if length == mblen {
				single = true
			}
		}
		if !single {
			t := &best[start+mblen]
			cand := unkScore + here
			if t.startsAt == -1 || cand > t.score {
				t.score = cand
				t.startsAt = start
				t.id = m.unkID
			}
		}
		start += mblen
	}
	var out []spPiece
	for end := size; end > 0; {
		n := best[end]
		out = append(out, spPiece{norm[n.startsAt:end], n.id})
		end = n.startsAt
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Decode returns the text of ids as SentencePiece's DecodeIds does: ▁
// becomes a space, the leading one is dropped, control pieces vanish,
// the unknown id reads " ⁇ ", byte pieces are reassembled into UTF-8
// (U+FFFD for bytes that do not form valid UTF-8). It panics if an id is
// out of range.
func (m *SentencePiece) Decode(ids []int) string {
	var b strings.Builder
	var bytesBuf []byte
	bos := true
	flush := func() {
		for len(bytesBuf) > 0 {
			r, size := utf8.DecodeRune(bytesBuf)
			if r == utf8.RuneError && size <= 1 {
				b.WriteString("\uFFFD")
			} else {
				b.Write(bytesBuf[:size])
			}
			bytesBuf = bytesBuf[size:]
		}
		bytesBuf = bytesBuf[:0]
	}
	for _, id := range ids {
		p := m.pieces[id]
		t := m.types[id]
		if t == spByte {
			var v int
			fmt.Sscanf(p, "<0x%02X>", &v)
			bytesBuf = append(bytesBuf, byte(v))
			bos = false
			continue
		}
		flush()
		switch t {
		case spControl:
			continue
		case spUnknown:
			b.WriteString(m.unkSurface)
		default:
			if bos && !m.treatWSAsSufix {
				p = strings.TrimPrefix(p, spaceSymbol)
			}
			b.WriteString(strings.ReplaceAll(p, spaceSymbol, " "))
		}
		bos = false
	}
	flush()
	out := b.String()
	if m.treatWSAsSufix {
		out = strings.TrimSuffix(out, " ")
	}
	return out
}

// Size returns the number of pieces.
func (m *SentencePiece) Size() int { return len(m.pieces) }

// Blank returns -1: SentencePiece models have no CTC blank. Use Size()
// as the blank id when training CTC on top of one.
func (m *SentencePiece) Blank() int { return -1 }

// Unknown returns the id of <unk>.
func (m *SentencePiece) Unknown() int { return m.unkID }

// Vocab returns the pieces by id.
func (m *SentencePiece) Vocab() []string { return m.pieces }

// Piece returns the piece of id. It panics if id is out of range.
func (m *SentencePiece) Piece(id int) string { return m.pieces[id] }

// Score returns the score of piece id (a log probability for unigram
// models, the negated merge rank for BPE).
func (m *SentencePiece) Score(id int) float32 { return m.scores[id] }

// ModelType returns "bpe" or "unigram".
func (m *SentencePiece) ModelType() string {
	if m.modelType == spBPE {
		return "bpe"
	}
	return "unigram"
}
