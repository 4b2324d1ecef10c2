package text

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
)

// dartsTrie is a read-only view of a darts-clone double-array trie, the
// structure SentencePiece stores its precompiled normalization rules in.
type dartsTrie []uint32

func dartsHasLeaf(u uint32) bool  { return (u>>8)&1 == 1 }
func dartsValue(u uint32) uint32  { return u & (1<<31 - 1) }
func dartsLabel(u uint32) uint32  { return u & (1<<31 | 0xFF) }
func dartsOffset(u uint32) uint32 { return (u >> 10) << ((u & (1 << 9)) >> 6) }
func (t dartsTrie) at(i uint32) (uint32, bool) {
	if int(i) >= len(t) {
		return 0, false
	}
	return t[i], true
}

// longestPrefix returns the value and length of the longest key that is
// a prefix of s, as darts-clone's commonPrefixSearch reports them
// (length 0 when none). Out-of-range nodes in corrupt data end the
// search.
func (t dartsTrie) longestPrefix(s string) (value uint32, length int) {
	if len(t) == 0 {
		return 0, 0
	}
	id := uint32(0)
	u := t[0]
	id ^= dartsOffset(u)
	for i := 0; i < len(s); i++ {
		c := uint32(s[i])
		id ^= c
		u, ok := t.at(id)
		if !ok || dartsLabel(u) != c {
			return
		}
		id ^= dartsOffset(u)
		if dartsHasLeaf(u) {
			leaf, ok := t.at(id)
			if !ok {
				return
			}
			value, length = dartsValue(leaf), i+1
		}
	}
	return
}

// spmNormalizer is SentencePiece's normalizer (normalizer.cc).
type spmNormalizer struct {
	trie                   dartsTrie
	normalized             string // NUL-separated replacement strings
	addDummyPrefix         bool
	removeExtraWhitespaces bool
	escapeWhitespaces      bool
	treatWhitespaceAsSufix bool
	userDefined            *prefixMatcher
}

const spaceSymbol = "\u2581" // ▁, SentencePiece's word boundary

func newSPMNormalizer(charsmap []byte) (*spmNormalizer, error) {
	n := &spmNormalizer{}
	if len(charsmap) == 0 {
		return n, nil
	}
	if len(charsmap) <= 4 {
		return nil, &FormatError{What: "sentencepiece model", Msg: "normalization rule blob is broken"}
	}
	size := binary.LittleEndian.Uint32(charsmap)
	if uint64(size) >= uint64(len(charsmap)) || size%4 != 0 {
		return nil, &FormatError{What: "sentencepiece model", Msg: "normalization trie size exceeds the blob"}
	}
	blob := charsmap[4 : 4+size]
	n.trie = make(dartsTrie, size/4)
	for i := range n.trie {
		n.trie[i] = binary.LittleEndian.Uint32(blob[4*i:])
	}
	n.normalized = string(charsmap[4+size:])
	return n, nil
}

// normalizePrefix returns the normalized form of the start of s and how
// many bytes of s it consumed.
func (n *spmNormalizer) normalizePrefix(s string) (string, int) {
	if s == "" {
		return "", 0
	}
	if n.userDefined != nil {
		if l, ok := n.userDefined.match(s); ok {
			return s[:l], l
		}
	}
	if v, l := n.trie.longestPrefix(s); l > 0 {
		if int(v) >= len(n.normalized) {
			return "", l
		}
		r := n.normalized[v:]
		if k := strings.IndexByte(r, 0); k >= 0 {
			r = r[:k]
		}
		return r, l
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return "\uFFFD", 1
	}
	return s[:size], size
}

// normalize applies SentencePiece's normalization: the precompiled
// rules, white space squeezed and trimmed, spaces replaced by ▁, and the
// dummy ▁ prefix.
func (n *spmNormalizer) normalize(s string) string {
	if s == "" {
		return ""
	}
	if n.removeExtraWhitespaces {
		for s != "" {
			p, l := n.normalizePrefix(s)
			if p != " " {
				break
			}
			s = s[l:]
		}
	}
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(3 * len(s))
	ws := " "
	if n.escapeWhitespaces {
		ws = spaceSymbol
	}
	if !n.treatWhitespaceAsSufix && n.addDummyPrefix {
		b.WriteString(ws)
	}
	prevSpace := n.removeExtraWhitespaces
	for s != "" {
		p, l := n.normalizePrefix(s)
		if prevSpace {
			for strings.HasPrefix(p, " ") {
				p = p[1:]
			}
		}
		if p != "" {
			for i := 0; i < len(p); i++ {
				if n.escapeWhitespaces && p[i] == ' ' {
					b.WriteString(spaceSymbol)
				} else {
					b.WriteByte(p[i])
				}
			}
			prevSpace = strings.HasSuffix(p, " ")
		}
		s = s[l:]
		if !n.removeExtraWhitespaces {
			prevSpace = false
		}
	}
	out := b.String()
	if n.removeExtraWhitespaces {
		for strings.HasSuffix(out, ws) {
			out = out[:len(out)-len(ws)]
		}
	}
	if n.treatWhitespaceAsSufix && n.addDummyPrefix {
		out += ws
	}
	return out
}

// prefixMatcher finds the longest user-defined symbol at the start of a
// string.
type prefixMatcher struct {
	set    map[string]bool
	maxLen int
}

func newPrefixMatcher(syms []string) *prefixMatcher {
	if len(syms) == 0 {
		return nil
	}
	m := &prefixMatcher{set: map[string]bool{}}
	for _, s := range syms {
		m.set[s] = true
		m.maxLen = max(m.maxLen, len(s))
	}
	return m
}

// match returns the length of the longest symbol that prefixes s.
func (m *prefixMatcher) match(s string) (int, bool) {
	if m == nil {
		return 0, false
	}
	for l := min(len(s), m.maxLen); l > 0; l-- {
		if m.set[s[:l]] {
			return l, true
		}
	}
	return 0, false
}

// oneCharLen is SentencePiece's OneCharLen: the UTF-8 sequence length
// announced by the first byte.
func oneCharLen(c byte) int {
	return int("\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x02\x02\x03\x04"[c>>4])
}
