// Command testsummary reads "go test -json" events on stdin and prints what
// a person wants from a long run: one line per package, the output of every
// failing test, and, at the end, the tests that skipped and why (a missing
// tool such as sox or sclite, or missing shared data), which plain
// "go test" hides. It exits 1 when a test or a build failed. scripts/test.sh
// runs it.
//
//	go test -json ./... | go run ./scripts/testsummary
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// event is one line of test2json output ("go doc test2json").
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail events
	Test       string
	Output     string
	Elapsed    float64
}

// A skip is the tests of a package that skipped for one reason.
type skip struct {
	pkg, reason string
	tests       []string
}

func main() {
	failed, err := summarize(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// fileLine is the "name_test.go:123: " that t.Log and t.Skip put first.
var fileLine = regexp.MustCompile(`^\s*[\w.-]+\.go:\d+: `)

// summarize copies the report of the events in r to w and says whether
// anything failed.
func summarize(r io.Reader, w io.Writer) (failed bool, err error) {
	out := map[string][]string{} // package + "\x00" + test: output lines
	build := map[string][]string{}
	skips := map[string]*skip{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			// Not an event (go vet or the linker writing to stdout): keep it.
			fmt.Fprintf(w, "%s\n", line)
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch e.Action {
		case "build-output":
			build[e.ImportPath] = append(build[e.ImportPath], e.Output)
		case "build-fail":
			failed = true
			fmt.Fprintf(w, "FAIL\t%s [build failed]\n%s", e.ImportPath, strings.Join(build[e.ImportPath], ""))
		case "output":
			out[key] = append(out[key], e.Output)
		case "skip":
			if e.Test == "" {
				continue // a package without tests
			}
			reason := skipReason(out[key])
			k := e.Package + "\x00" + reason
			if skips[k] == nil {
				skips[k] = &skip{pkg: e.Package, reason: reason}
				order = append(order, k)
			}
			skips[k].tests = append(skips[k].tests, e.Test)
			delete(out, key)
		case "pass":
			delete(out, key)
		case "fail":
			failed = true
			if e.Test != "" {
				fmt.Fprintf(w, "--- FAIL: %s (%s)\n%s", e.Test, e.Package, strings.Join(out[key], ""))
				delete(out, key)
				continue
			}
			// The package: what it printed outside any test (a panic, a
			// timeout, TestMain's messages).
			fmt.Fprintf(w, "%sFAIL\t%s\t%.2fs\n", strings.Join(tail(out[key], 40), ""), e.Package, e.Elapsed)
			delete(out, key)
		}
		if e.Test == "" && e.Action == "pass" {
			fmt.Fprintf(w, "ok\t%s\t%.2fs\n", e.Package, e.Elapsed)
		}
	}
	if err := sc.Err(); err != nil {
		return true, err
	}
	if len(order) > 0 {
		sort.SliceStable(order, func(i, j int) bool { return skips[order[i]].pkg < skips[order[j]].pkg })
		n := 0
		for _, k := range order {
			n += len(skips[k].tests)
		}
		fmt.Fprintf(w, "skipped: %d %s\n", n, plural(n, "test", "tests"))
		for _, k := range order {
			s := skips[k]
			names := s.tests
			more := ""
			if len(names) > 3 {
				more = fmt.Sprintf(" and %d more", len(names)-3)
				names = names[:3]
			}
			fmt.Fprintf(w, "  %s %s%s: %s\n", strings.TrimPrefix(s.pkg, "github.com/ecoute/ecoute/"), strings.Join(names, ", "), more, s.reason)
		}
	}
	return failed, nil
}

// skipReason is the last line a skipped test printed before "--- SKIP",
// without its file:line prefix.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "--- SKIP") || strings.HasPrefix(l, "=== ") {
			continue
		}
		return fileLine.ReplaceAllString(l, "")
	}
	return "(no reason given)"
}

func tail(lines []string, n int) []string {
	if len(lines) > n {
		return lines[len(lines)-n:]
	}
	return lines
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
