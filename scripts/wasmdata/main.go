// Command wasmdata rewrites the data section of a WebAssembly module so that
// it compresses better, without changing the memory the module starts with.
//
// Go's linker writes each run of non-zero bytes of the initial memory as its
// own active data segment, splitting wherever it finds 8 or more zero bytes.
// ecoute's browser module then carries about 57,000 segments, most of them a
// few bytes long, each with a 6- to 8-byte header whose offset changes every
// time: gzip and brotli cannot predict those headers, and they cost about
// 100 KB of the gzipped module. wasmdata joins segments separated by fewer
// than -gap zero bytes (writing the zeros, which compress to almost nothing)
// and checks, before it writes anything, that the new module's initial
// memory is byte for byte the old one's.
//
// It changes only the data section: the module's other sections are copied
// as they are. It refuses modules whose segments are not all active segments
// of memory 0 with an i32.const offset (what Go's linker writes), modules
// with a data count section (code could then refer to segments by index),
// and segments that overlap.
//
//	go run ./scripts/wasmdata [-gap 64] IN.wasm OUT.wasm   (scripts/build-wasm.sh runs it)
//
// The WebAssembly binary format: https://webassembly.github.io/spec/core/binary/modules.html
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
)

func main() {
	gap := flag.Int("gap", 64, "join segments separated by fewer than this many zero bytes")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmdata [-gap N] IN.wasm OUT.wasm")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 || *gap < 0 {
		flag.Usage()
		os.Exit(2)
	}
	in, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmdata:", err)
		os.Exit(1)
	}
	out, st, err := Pack(in, *gap)
	if err != nil {
		fmt.Fprintf(os.Stderr, "wasmdata: %s: %v\n", flag.Arg(0), err)
		os.Exit(1)
	}
	if err := os.WriteFile(flag.Arg(1), out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "wasmdata:", err)
		os.Exit(1)
	}
	fmt.Printf("wasmdata: %d data segments -> %d (%d -> %d bytes)\n", st.Before, st.After, len(in), len(out))
}

// Stats says how many data segments a module had before and after Pack.
type Stats struct{ Before, After int }

// segment is an active data segment: Data is copied to memory at Offset.
type segment struct {
	Offset uint32
	Data   []byte
}

const (
	sectionData      = 11
	sectionDataCount = 12
)

// Pack returns module with its data segments joined where fewer than gap
// zero bytes separate them. Bad or unsupported input returns an error.
func Pack(module []byte, gap int) ([]byte, Stats, error) {
	secs, err := sections(module)
	if err != nil {
		return nil, Stats{}, err
	}
	var out bytes.Buffer
	out.Write(module[:8])
	var st Stats
	var before []segment
	for _, s := range secs {
		if s.id == sectionDataCount {
			return nil, st, errors.New("the module has a data count section; its code may name segments by index")
		}
		if s.id != sectionData {
			out.WriteByte(s.id)
			out.Write(uleb(uint64(len(s.body))))
			out.Write(s.body)
			continue
		}
		if before, err = readData(s.body); err != nil {
			return nil, st, err
		}
		after, err := join(before, gap)
		if err != nil {
			return nil, st, err
		}
		st = Stats{len(before), len(after)}
		body := writeData(after)
		out.WriteByte(sectionData)
		out.Write(uleb(uint64(len(body))))
		out.Write(body)
	}
	// Check the result as a reader would see it: the same memory.
	secs2, err := sections(out.Bytes())
	if err != nil {
		return nil, st, fmt.Errorf("the packed module does not parse: %v", err)
	}
	var again []segment
	for _, s := range secs2 {
		if s.id == sectionData {
			if again, err = readData(s.body); err != nil {
				return nil, st, fmt.Errorf("the packed data section does not parse: %v", err)
			}
		}
	}
	if !bytes.Equal(image(before), image(again)) {
		return nil, st, errors.New("the packed module's initial memory differs (a bug in wasmdata)")
	}
	return out.Bytes(), st, nil
}

type section struct {
	id   byte
	body []byte
}

func sections(m []byte) ([]section, error) {
	if len(m) < 8 || string(m[:4]) != "\x00asm" || string(m[4:8]) != "\x01\x00\x00\x00" {
		return nil, errors.New("not a WebAssembly module (version 1)")
	}
	var secs []section
	for i := 8; i < len(m); {
		id := m[i]
		n, k, err := readULEB(m[i+1:])
		if err != nil {
			return nil, err
		}
		start := i + 1 + k
		if n > uint64(len(m)-start) {
			return nil, fmt.Errorf("section %d runs past the end of the file", id)
		}
		secs = append(secs, section{id, m[start : start+int(n)]})
		i = start + int(n)
	}
	return secs, nil
}

func readData(b []byte) ([]segment, error) {
	count, k, err := readULEB(b)
	if err != nil {
		return nil, err
	}
	b = b[k:]
	segs := make([]segment, 0, min(count, uint64(len(b))))
	for i := uint64(0); i < count; i++ {
		// 0x00 (active, memory 0), i32.const OFFSET, end, size, bytes.
		if len(b) < 2 || b[0] != 0x00 || b[1] != 0x41 {
			return nil, fmt.Errorf("data segment %d is not an active segment of memory 0 at an i32.const offset", i)
		}
		off, k, err := readSLEB(b[2:])
		if err != nil {
			return nil, err
		}
		b = b[2+k:]
		if len(b) < 1 || b[0] != 0x0b || off < 0 || off > 1<<32-1 {
			return nil, fmt.Errorf("data segment %d: bad offset expression", i)
		}
		n, k, err := readULEB(b[1:])
		if err != nil {
			return nil, err
		}
		b = b[1+k:]
		if n > uint64(len(b)) || uint64(off)+n > 1<<32 {
			return nil, fmt.Errorf("data segment %d runs past the end of its section or of memory", i)
		}
		segs = append(segs, segment{uint32(off), b[:n]})
		b = b[n:]
	}
	if len(b) != 0 {
		return nil, errors.New("bytes after the last data segment")
	}
	return segs, nil
}

// join sorts the segments by offset and joins neighbours separated by fewer
// than gap bytes, filling the gap with zeros (what memory holds there).
func join(segs []segment, gap int) ([]segment, error) {
	s := append([]segment(nil), segs...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Offset < s[j].Offset })
	var out []segment
	for _, g := range s {
		if len(out) > 0 {
			last := &out[len(out)-1]
			end := uint64(last.Offset) + uint64(len(last.Data))
			if uint64(g.Offset) < end {
				return nil, fmt.Errorf("data segments overlap at offset %d", g.Offset)
			}
			if uint64(g.Offset)-end < uint64(gap) {
				last.Data = append(last.Data, make([]byte, uint64(g.Offset)-end)...)
				last.Data = append(last.Data, g.Data...)
				continue
			}
		}
		out = append(out, segment{g.Offset, append([]byte(nil), g.Data...)})
	}
	return out, nil
}

func writeData(segs []segment) []byte {
	var b bytes.Buffer
	b.Write(uleb(uint64(len(segs))))
	for _, s := range segs {
		b.Write([]byte{0x00, 0x41})
		b.Write(sleb(int64(s.Offset)))
		b.WriteByte(0x0b)
		b.Write(uleb(uint64(len(s.Data))))
		b.Write(s.Data)
	}
	return b.Bytes()
}

// image is the memory the segments initialize, up to their last byte
// (segments applied in order, as the module's instantiation does).
func image(segs []segment) []byte {
	var n uint64
	for _, s := range segs {
		n = max(n, uint64(s.Offset)+uint64(len(s.Data)))
	}
	m := make([]byte, n)
	for _, s := range segs {
		copy(m[s.Offset:], s.Data)
	}
	return m
}

var errLEB = errors.New("bad LEB128 number")

func readULEB(b []byte) (uint64, int, error) {
	var x uint64
	for i := 0; i < len(b) && i < 10; i++ {
		x |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return x, i + 1, nil
		}
	}
	return 0, 0, errLEB
}

func readSLEB(b []byte) (int64, int, error) {
	var x int64
	for i := 0; i < len(b) && i < 10; i++ {
		x |= int64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			if s := 7 * (i + 1); s < 64 && b[i]&0x40 != 0 {
				x |= -1 << s
			}
			return x, i + 1, nil
		}
	}
	return 0, 0, errLEB
}

func uleb(x uint64) []byte {
	var b []byte
	for {
		c := byte(x & 0x7f)
		x >>= 7
		if x == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func sleb(x int64) []byte {
	var b []byte
	for {
		c := byte(x & 0x7f)
		x >>= 7
		if (x == 0 && c&0x40 == 0) || (x == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
