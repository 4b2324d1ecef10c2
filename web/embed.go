// Package web is ecoute's browser demo: static files (index.html, app.js,
// the ecoute.js API with its ecoute.d.ts types, the Web Worker and
// AudioWorklet scripts, a service worker for offline use) plus the
// WebAssembly module built from ../wasm/browser. `transcribe web` serves them
// from [Files]; any static host serves them just as well.
//
// The module (ecoute.wasm) and Go's wasm_exec.js are build outputs, not
// committed: run scripts/build-wasm.sh (or "go generate ./web") before
// building the CLI, and they are embedded with the rest. [HasModule]
// reports whether they were. The script also writes NAME.br and NAME.gz
// beside the page's files, listed in [Precompressed], which [Handler]
// serves to clients that accept them.
package web

import (
	"embed"
	"io/fs"
	"strings"
)

//go:generate sh ../scripts/build-wasm.sh

//go:embed *
var files embed.FS

// Module and Runtime are the names of the build outputs the page needs.
const (
	Module  = "ecoute.wasm"
	Runtime = "wasm_exec.js"
)

// Files returns the page's files: everything in this directory but the Go
// sources.
func Files() fs.FS { return hideGo{files} }

// HasModule reports whether fsys holds the built module and Go's runtime
// glue.
func HasModule(fsys fs.FS) bool {
	for _, n := range []string{Module, Runtime} {
		if _, err := fs.Stat(fsys, n); err != nil {
			return false
		}
	}
	return true
}

// BuildHint says how to produce the files HasModule looks for.
const BuildHint = "build the WebAssembly module first: scripts/build-wasm.sh (or go generate ./web), then rebuild transcribe, or serve a checkout's web/ directory with --dir web"

type hideGo struct{ fs.FS }

func (h hideGo) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, ".go") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return h.FS.Open(name)
}

func (h hideGo) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := fs.ReadDir(h.FS, name)
	out := es[:0]
	for _, e := range es {
		if !strings.HasSuffix(e.Name(), ".go") {
			out = append(out, e)
		}
	}
	return out, err
}
