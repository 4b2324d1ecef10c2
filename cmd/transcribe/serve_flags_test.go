package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestServeHelpOnce checks that "serve --help" prints its usage once, on
// stdout (it printed it on stderr as well), with the load and log flags.
func TestServeHelpOnce(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"serve", "--help"}, nil, &out, &errb); code != exitOK {
		t.Fatalf("serve --help: exit %d", code)
	}
	if errb.Len() != 0 {
		t.Errorf("serve --help wrote to stderr:\n%s", errb.String())
	}
	if n := strings.Count(out.String(), "Usage: transcribe serve"); n != 1 {
		t.Errorf("usage printed %d times:\n%s", n, out.String())
	}
	for _, f := range []string{"-max-concurrent", "-max-queue", "-quiet", "-max-body", "-max-duration"} {
		if !strings.Contains(out.String(), f) {
			t.Errorf("serve --help lacks %s", f)
		}
	}
}

func TestServeLimitFlags(t *testing.T) {
	var out, errb bytes.Buffer
	sc, code := parseServe([]string{"--max-body", "2MiB", "--max-duration", "90s", "--max-concurrent", "3", "--quiet"}, &out, &errb)
	if sc == nil {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, args := range [][]string{{"--max-concurrent", "0"}, {"--max-queue", "-1"}, {"--max-body", "lots"}, {"--max-duration", "0"}} {
		errb.Reset()
		if _, code := parseServe(args, &out, &errb); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}
