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
	"runtime"
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

// limitFlag is a flag spelled from a row of asr.LimitTable.
type limitFlag struct {
	l    *asr.Limits
	name string
}

func (f *limitFlag) String() string {
	if f == nil || f.l == nil {
		return ""
	}
	return f.l.Get(f.name)
}

func (f *limitFlag) Set(v string) error {
	err := f.l.Set(f.name, v)
	var oe *asr.OptionError
	if errors.As(err, &oe) {
		return errors.New(oe.Msg)
	}
	return err
}

func serveUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage: transcribe serve [flags]

Serves the speech-to-text HTTP API that the edge worker runs:
  POST /v1/transcribe  WAV/FLAC/MP3 body or multipart upload -> JSON transcript
  GET  /healthz        liveness
  GET  /               usage, with every decoding option

Requests past --max-concurrent running and --max-queue waiting get 503 with
Retry-After. One line per request goes to stderr (time, client, method,
path, status, audio seconds, milliseconds) unless --quiet.

Examples:
  transcribe serve
  transcribe serve --addr :8081 --model my.safetensors --max-duration 5m
  curl --data-binary @hello.wav -H 'Content-Type: audio/wav' http://127.0.0.1:8081/v1/transcribe
  curl -F file=@hello.wav 'http://127.0.0.1:8081/v1/transcribe?beam=8&timestamps=true'

Flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// parseServe parses serve's flags. It returns a non-negative exit code when
// the command should stop there (help, bad flags).
func parseServe(args []string, stdout, stderr io.Writer) (*serveConfig, int) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "listen `address` (host:port)")
	model := fs.String("model", "", "model `file` (default: the embedded model)")
	limits := asr.DefaultLimits()
	for _, r := range asr.LimitTable {
		fs.Var(&limitFlag{&limits, r.Name}, r.Name, r.Help)
	}
	conc := fs.Int("max-concurrent", min(runtime.NumCPU(), server.MaxDefaultConcurrent), fmt.Sprintf("transcriptions run at once (default: the number of CPUs, at most %d, which keeps memory under 1 GB)", server.MaxDefaultConcurrent))
	queue := fs.Int("max-queue", 0, "requests that may wait for a slot (0: 4 × --max-concurrent)")
	quiet := fs.Bool("quiet", false, "no access log")
	origin := fs.String("cors-origin", "*", "Access-Control-Allow-Origin value (\"-\" sends no CORS headers)")
	fs.Usage = func() {} // --help prints the usage once, to stdout; errors get a hint
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			serveUsage(stdout, fs)
			return nil, exitOK
		}
		fmt.Fprintln(stderr, "(see transcribe serve --help)")
		return nil, exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "transcribe serve: unexpected argument %q\n", fs.Arg(0))
		return nil, exitUsage
	}
	if *conc < 1 || *queue < 0 {
		fmt.Fprintln(stderr, "transcribe serve: --max-concurrent must be at least 1 and --max-queue not negative")
		return nil, exitUsage
	}
	if *queue == 0 {
		*queue = 4 * *conc
	}
	cfg := server.Config{Load: asr.Default, MaxBodyBytes: limits.MaxBytes,
		MaxDuration:   time.Duration(limits.MaxSeconds * float64(time.Second)),
		MaxConcurrent: *conc, MaxQueue: *queue, AllowOrigin: *origin}
	if !*quiet {
		cfg.AccessLog = stderr
	}
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
