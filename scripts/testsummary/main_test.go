package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A stream as "go test -json" writes it (events trimmed to the fields read).
const stream = `{"Action":"start","Package":"x/a"}
{"Action":"run","Package":"x/a","Test":"TestSox"}
{"Action":"output","Package":"x/a","Test":"TestSox","Output":"=== RUN   TestSox\n"}
{"Action":"output","Package":"x/a","Test":"TestSox","Output":"    a_test.go:12: sox not installed\n"}
{"Action":"output","Package":"x/a","Test":"TestSox","Output":"--- SKIP: TestSox (0.00s)\n"}
{"Action":"skip","Package":"x/a","Test":"TestSox","Elapsed":0}
{"Action":"output","Package":"x/a","Test":"TestResampleSox","Output":"    r_test.go:9: sox not installed\n"}
{"Action":"skip","Package":"x/a","Test":"TestResampleSox","Elapsed":0}
{"Action":"output","Package":"x/a","Test":"TestGood","Output":"ok output that must not show\n"}
{"Action":"pass","Package":"x/a","Test":"TestGood","Elapsed":0.1}
{"Action":"output","Package":"x/a","Test":"TestBad","Output":"    a_test.go:40: got 2, want 3\n"}
{"Action":"fail","Package":"x/a","Test":"TestBad","Elapsed":0.1}
{"Action":"fail","Package":"x/a","Elapsed":1.5}
{"Action":"output","Package":"x/b","Test":"TestData","Output":"    b_test.go:7: ../shared/data/speech not found\n"}
{"Action":"skip","Package":"x/b","Test":"TestData","Elapsed":0}
{"Action":"pass","Package":"x/b","Elapsed":0.25}
{"Action":"skip","Package":"x/c","Elapsed":0}
`

func TestSummarize(t *testing.T) {
	var b strings.Builder
	failed, err := summarize(strings.NewReader(stream), &b)
	if err != nil || !failed {
		t.Fatalf("failed %v, err %v", failed, err)
	}
	want := "--- FAIL: TestBad (x/a)\n    a_test.go:40: got 2, want 3\n" +
		"FAIL\tx/a\t1.50s\n" +
		"ok\tx/b\t0.25s\n" +
		"skipped: 3 tests\n" +
		"  x/a TestSox, TestResampleSox: sox not installed\n" +
		"  x/b TestData: ../shared/data/speech not found\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	ok := strings.ReplaceAll(stream, `"fail"`, `"pass"`)
	if failed, _ := summarize(strings.NewReader(ok), &b); failed {
		t.Errorf("all passed, but reported a failure:\n%s", b.String())
	}
}

// scripts/test.sh --full on a machine with only Go (and the shell tools the
// script uses): no node, npm, curl or chromium. It must pass, and say which
// extras it skipped and why.
func TestScriptWithoutExtras(t *testing.T) {
	if os.Getenv("ECOUTE_TEST_SH_NESTED") != "" {
		t.Skip("nested run of scripts/test.sh")
	}
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("scripts/test.sh is a bash script")
	}
	bin := t.TempDir()
	for _, tool := range []string{"go", "bash", "env", "mktemp", "rm", "dirname", "sed", "grep"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("%s not found", tool)
		}
		if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	// --full only: the default run is the same minus the extras, and each
	// run builds and tests in a fresh configuration (no cgo without gcc).
	cmd := exec.Command(filepath.Join("..", "test.sh"), "--full", "./scripts/testsummary")
	cmd.Env = append(os.Environ(), "PATH="+bin, "CHROMIUM=/nonexistent/chromium", "ECOUTE_TEST_SH_NESTED=1")
	out, err := cmd.CombinedOutput()
	s := string(out)
	if err != nil {
		t.Fatalf("test.sh --full: %v\n%s", err, s)
	}
	for _, w := range []string{
		"TestScriptWithoutExtras: nested run of scripts/test.sh", // go test's skips are listed
		"SKIP: Go packages under GOOS=js GOARCH=wasm: node not found",
		"SKIP: browser end-to-end (tests/browser/run.sh): chromium (/nonexistent/chromium) node npm not found",
		"SKIP: edge worker under workerd (tests/worker/run.sh): node npm curl not found",
		"== all tests passed",
	} {
		if !strings.Contains(s, w) {
			t.Errorf("test.sh --full: output lacks %q:\n%s", w, s)
		}
	}
}
