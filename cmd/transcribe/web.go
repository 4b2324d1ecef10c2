package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/ecoute/ecoute/web"
)

func init() {
	register(&command{name: "web", summary: "serve the browser demo (recognition runs in the browser)", run: runWeb})
}

func runWeb(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("web", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	dir := fl.String("dir", "", "serve this directory (a checkout's web/) instead of the embedded files")
	fl.Usage = func() {
		fmt.Fprint(stderr, `Usage: transcribe web [--addr HOST:PORT] [--dir DIR]

Serves ecoute's browser demo: a page that records from the microphone or
takes an audio file (WAV, FLAC, MP3, or anything the browser can decode:
OGG, Opus, M4A, WebM) and transcribes it inside the browser with the
WebAssembly build of the recognizer. The server only hands out static
files; no audio reaches it. Once loaded, the page also works offline.

Files go out brotli- or gzip-compressed when the client accepts it (brotli
from the siblings scripts/build-wasm.sh writes), with strong ETags; the
module, fetched under its content hash, is cached by browsers for good.

Examples:
  transcribe web                          # then open http://127.0.0.1:8080/
  transcribe web --addr :8080             # reachable from other machines (the
                                          # microphone needs https or localhost)
  transcribe web --dir web                # serve a checkout's web/ while editing it

The WebAssembly module is built separately and embedded when present:
  scripts/build-wasm.sh && go build ./cmd/transcribe

Flags:
`)
		fl.PrintDefaults()
	}
	if code, ok := parseFlags(fl, args); !ok {
		return code
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "transcribe web: unexpected argument %q (see transcribe web --help)\n", fl.Arg(0))
		return exitUsage
	}
	var fsys fs.FS = web.Files()
	if *dir != "" {
		if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "transcribe web: --dir %s is not a directory\n", *dir)
			return exitUsage
		}
		fsys = os.DirFS(*dir)
	}
	if !web.HasModule(fsys) {
		fmt.Fprintf(stderr, "transcribe web: warning: %s or %s is missing, so the page cannot transcribe: %s\n", web.Module, web.Runtime, web.BuildHint)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "transcribe web: %v\n", err)
		return exitFailed
	}
	srv := &http.Server{Handler: web.Handler(fsys), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "serving ecoute's browser demo on http://%s/ (Ctrl-C stops)\n", ln.Addr())
	if f, ok := stdout.(interface{ Sync() error }); ok {
		f.Sync()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "transcribe web: %v\n", err)
		return exitFailed
	}
	return exitOK
}
