package main

import (
	"bytes"
	"strings"
	"testing"
)

// module builds a WebAssembly module: a custom section, then a data section
// with the given segments (raw bytes each: flag, offset expression, ...).
func module(segs ...[]byte) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	custom := append([]byte{4}, "name"...)
	m = append(m, 0)
	m = append(m, uleb(uint64(len(custom)))...)
	m = append(m, custom...)
	body := uleb(uint64(len(segs)))
	for _, s := range segs {
		body = append(body, s...)
	}
	m = append(m, sectionData)
	m = append(m, uleb(uint64(len(body)))...)
	return append(m, body...)
}

func active(off int64, data string) []byte {
	b := append([]byte{0x00, 0x41}, sleb(off)...)
	b = append(b, 0x0b)
	b = append(b, uleb(uint64(len(data)))...)
	return append(b, data...)
}

func dataOf(t *testing.T, m []byte) []segment {
	t.Helper()
	secs, err := sections(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secs {
		if s.id == sectionData {
			segs, err := readData(s.body)
			if err != nil {
				t.Fatal(err)
			}
			return segs
		}
	}
	t.Fatal("no data section")
	return nil
}

func TestPackJoinsNearSegments(t *testing.T) {
	// Out of order, as Go's linker writes its data after its read-only data;
	// offsets past 63 and 8191 take two and three LEB128 bytes.
	in := module(
		active(9000, "later"),
		active(100, "abc"),
		active(110, "de"),    // 5 zeros after "abc": joined
		active(200, "f"),     // 88 zeros after "de": not joined at gap 64
		active(8190, "ghij"), // far: its own segment
	)
	out, st, err := Pack(in, 64)
	if err != nil {
		t.Fatal(err)
	}
	if st.Before != 5 || st.After != 4 {
		t.Errorf("segments %d -> %d, want 5 -> 4", st.Before, st.After)
	}
	got := dataOf(t, out)
	if got[0].Offset != 100 || string(got[0].Data) != "abc\x00\x00\x00\x00\x00\x00\x00de" {
		t.Errorf("first segment at %d: %q", got[0].Offset, got[0].Data)
	}
	if !bytes.Equal(image(got), image(dataOf(t, in))) {
		t.Error("memory images differ")
	}
	// The other sections are copied unchanged.
	if !bytes.Equal(out[:8+2+5], in[:8+2+5]) {
		t.Error("the sections before the data section changed")
	}
	// gap 0 changes nothing but the order.
	out0, st0, err := Pack(in, 0)
	if err != nil || st0.After != 5 || !bytes.Equal(image(dataOf(t, out0)), image(dataOf(t, in))) {
		t.Errorf("gap 0: %v, %d segments", err, st0.After)
	}
	// A huge gap makes one segment.
	if _, st, err := Pack(in, 1<<20); err != nil || st.After != 1 {
		t.Errorf("gap 1<<20: %v, %d segments", err, st.After)
	}
}

func TestPackRefuses(t *testing.T) {
	passive := append([]byte{0x01}, uleb(1)...)
	passive = append(passive, 'x')
	dataCount := append(module(active(0, "a")), sectionDataCount, 1, 1)
	truncated := module(active(0, "abc"))
	truncated = truncated[:len(truncated)-1]
	for _, c := range []struct {
		name string
		m    []byte
		want string
	}{
		{"not wasm", []byte("hello, world"), "not a WebAssembly"},
		{"overlap", module(active(10, "abcd"), active(12, "x")), "overlap"},
		{"passive", module(passive), "not an active segment"},
		{"data count", dataCount, "data count"},
		{"truncated", truncated, "past the end"},
		{"negative offset", module(active(-4, "abc")), "bad offset"},
		{"bad leb", module([]byte{0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}), "LEB128"},
	} {
		_, _, err := Pack(c.m, 64)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one that says %q", c.name, err, c.want)
		}
	}
}

func TestLEB(t *testing.T) {
	for _, x := range []int64{0, 1, 63, 64, -1, -64, -65, 8191, 8192, 1<<31 - 1, 1 << 32} {
		got, n, err := readSLEB(sleb(x))
		if err != nil || got != x || n != len(sleb(x)) {
			t.Errorf("sleb %d: %d, %d, %v", x, got, n, err)
		}
	}
	for _, x := range []uint64{0, 127, 128, 1 << 32} {
		got, n, err := readULEB(uleb(x))
		if err != nil || got != x || n != len(uleb(x)) {
			t.Errorf("uleb %d: %d, %d, %v", x, got, n, err)
		}
	}
}
