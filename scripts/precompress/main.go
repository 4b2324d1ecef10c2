// Command precompress writes NAME.gz and NAME.br beside each of a
// directory's page files (HTML, JavaScript, CSS, JSON, WebAssembly), and
// the list web.Precompressed (precompressed.json) that maps each NAME to
// the SHA-256 of the content its siblings were made from. `transcribe web`
// (web.Handler) serves a sibling to clients that accept its encoding, only
// while that hash still matches the file.
//
// It is its own module, so that the brotli encoder
// (github.com/andybalholm/brotli, a pure-Go port of Google's C encoder) is
// needed only to build the page, not by the ecoute module.
//
//	go run . DIR     (scripts/build-wasm.sh runs it on web/)
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/andybalholm/brotli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	es, err := os.ReadDir(dir)
	if err != nil {
		fail(err)
	}
	list := map[string]string{}
	var names []string
	for _, e := range es {
		switch filepath.Ext(e.Name()) {
		case ".html", ".js", ".mjs", ".css", ".wasm", ".ts":
			if !e.IsDir() {
				names = append(names, e.Name())
			}
		}
	}
	sort.Strings(names)
	var raw, gzTotal, brTotal int
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			fail(err)
		}
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		var br bytes.Buffer
		bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: 11, LGWin: 24})
		bw.Write(b)
		bw.Close()
		write(filepath.Join(dir, n+".gz"), z.Bytes())
		write(filepath.Join(dir, n+".br"), br.Bytes())
		sum := sha256.Sum256(b)
		list[n] = hex.EncodeToString(sum[:])
		raw, gzTotal, brTotal = raw+len(b), gzTotal+z.Len(), brTotal+br.Len()
		fmt.Printf("precompress: %-22s %9d bytes, gzip %8d, br %8d\n", n, len(b), z.Len(), br.Len())
	}
	j, _ := json.MarshalIndent(list, "", "  ")
	write(filepath.Join(dir, "precompressed.json"), append(j, '\n'))
	fmt.Printf("precompress: %d files, %d bytes, gzip %d, br %d\n", len(names), raw, gzTotal, brTotal)
}

func write(path string, b []byte) {
	if err := os.WriteFile(path+".tmp", b, 0o644); err != nil {
		fail(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "precompress:", err)
	os.Exit(1)
}
