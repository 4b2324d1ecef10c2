package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/server"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "run the speech-to-text HTTP API (the edge worker's handler, natively)",
		run:     runServe,
	})
}

// serveConfig is what the serve flags describe.
type serveConfig struct {
	addr    string
	handler *server.Handler
}

// parseServe parses serve's flags. It returns a non-negative exit code when
// the command should stop there (help, bad flags).
func parseServe(args []string, stdout, stderr io.Writer) (*serveConfig, int) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "listen `address` (host:port)")
	model := fs.String("model", "", "model `file` (default: the embedded model)")
	maxBody := fs.Int64("max-body", server.DefaultMaxBodyBytes, "largest request body in `bytes`")
	maxDur := fs.Duration("max-duration", server.DefaultMaxDuration, "longest audio per request")
	origin := fs.String("cors-origin", "*", "Access-Control-Allow-Origin value (\"-\" sends no CORS headers)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe serve [flags]

Serves the speech-to-text HTTP API that the edge worker runs:
  POST /v1/transcribe  WAV/FLAC body or multipart upload -> JSON transcript
  GET  /healthz        liveness
  GET  /               usage

Examples:
  transcribe serve
  transcribe serve --addr :8081 --model my.safetensors --max-duration 5m
  curl --data-binary @hello.wav -H 'Content-Type: audio/wav' http://127.0.0.1:8081/v1/transcribe
  curl -F file=@hello.wav 'http://127.0.0.1:8081/v1/transcribe?beam=8&timestamps=true'

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return nil, exitOK
		}
		return nil, exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "transcribe serve: unexpected argument %q\n", fs.Arg(0))
		return nil, exitUsage
	}
	if *maxBody <= 0 || *maxDur <= 0 {
		fmt.Fprintln(stderr, "transcribe serve: --max-body and --max-duration must be positive")
		return nil, exitUsage
	}
	cfg := server.Config{Load: asr.Default, MaxBodyBytes: *maxBody, MaxDuration: *maxDur, AllowOrigin: *origin}
	if *model != "" {
		path := *model
		cfg.Load = func() (*asr.Model, error) { return asr.LoadFile(path) }
	}
	return &serveConfig{addr: *addr, handler: server.New(cfg)}, -1
}

func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	sc, code := parseServe(args, stdout, stderr)
	if sc == nil {
		return code
	}
	// Load the model now, so that a bad model file fails at start-up and
	// the first request does not pay for it.
	if _, err := sc.handler.Model(); err != nil {
		fmt.Fprintf(stderr, "transcribe serve: %v\n", err)
		return exitFailed
	}
	ln, err := net.Listen("tcp", sc.addr)
	if err != nil {
		fmt.Fprintf(stderr, "transcribe serve: %v\n", err)
		return exitFailed
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, ln, sc.handler, stdout, stderr)
}

// serve runs h on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, h http.Handler, stdout, stderr io.Writer) int {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "transcribe serve: %v\n", err)
		return exitFailed
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "transcribe serve: shutdown: %v\n", err)
		return exitFailed
	}
	return exitOK
}
