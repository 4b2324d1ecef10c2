package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/server"
	"github.com/ecoute/ecoute/wasm"
)

// TestFrontDoorsAgree sends the same requests, good and bad, through the
// three front doors in-process: the CLI (run, with flags), the HTTP server
// (its handler, with a query) and the browser engine (its Go API, with a
// JSON object). All three must accept and refuse the same requests, and
// return the same words for those they accept. A request is a list of
// (option, value) pairs named as in asr.OptionTable; each door spells them
// its own way.
func TestFrontDoorsAgree(t *testing.T) {
	wav, err := os.ReadFile("../../testdata/hello.wav")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Load: asr.Default})
	eng := wasm.NewEngine()
	if _, err := eng.LoadDefault(); err != nil {
		t.Fatal(err)
	}
	type kv = [2]string
	good := [][]kv{
		{},
		{{"beam", "4"}},
		{{"beam", "1"}},
		{{"nbest", "5"}},
		{{"nbest", "0"}},
		{{"timestamps", "false"}},
		{{"lexicon", "false"}},
		{{"lm", "false"}},
		{{"alpha", "0.3"}, {"beta", "2"}},
		{{"blank-penalty", "0"}},
		{{"hotword", "hello:3"}},
		{{"hotword", "world,hello:-2"}},
		{{"hotword", "c:drive:3"}},
		{{"min-confidence", "0.6"}},
		{{"beam", "256"}, {"nbest", "20"}},
	}
	bad := [][]kv{
		{{"beam", "0"}}, {{"beam", "257"}}, {{"beam", "x"}}, {{"beam", "2.5"}},
		{{"nbest", "21"}}, {{"nbest", "-1"}},
		{{"alpha", "NaN"}}, {{"alpha", "-1"}}, {{"beta", "1e309"}}, {{"blank-penalty", "x"}},
		{{"hotword", "a:NaN"}}, {{"hotword", "a:inf"}}, {{"hotword", ":3"}}, {{"hotword", ""}}, {{"hotword", "a:b"}}, {{"hotword", "two words"}},
		{{"min-confidence", "2"}}, {{"lm", "maybe"}}, {{"colour", "blue"}},
	}
	type answer struct {
		ok     bool
		record map[string]any // text, words, nbest
		why    string
	}
	cli := func(req []kv) answer {
		args := []string{"--quiet", "--format", "json"}
		for _, p := range req {
			if p[0] == "lm" {
				// The CLI spells "lm" as --no-lm (--lm names an ARPA file).
				b, err := strconv.ParseBool(p[1])
				if err != nil {
					args = append(args, "--no-lm="+p[1])
				} else {
					args = append(args, "--no-lm="+strconv.FormatBool(!b))
				}
				continue
			}
			args = append(args, "--"+p[0]+"="+p[1])
		}
		var out, errb bytes.Buffer
		code := run(append(args, "../../testdata/hello.wav"), nil, &out, &errb)
		if code != exitOK {
			if code != exitUsage {
				t.Errorf("CLI %q: exit %d, want %d for a refused request: %s", args, code, exitUsage, errb.String())
			}
			return answer{why: errb.String()}
		}
		return answer{ok: true, record: record(t, out.Bytes())}
	}
	http1 := func(req []kv) answer {
		q := url.Values{}
		for _, p := range req {
			q.Add(p[0], p[1])
		}
		rr := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/v1/transcribe?"+q.Encode(), bytes.NewReader(wav))
		r.Header.Set("Content-Type", "audio/wav")
		srv.ServeHTTP(rr, r)
		if rr.Code != http.StatusOK {
			if rr.Code != http.StatusBadRequest {
				t.Errorf("server %q: status %d, want 400 for a refused request", q.Encode(), rr.Code)
			}
			return answer{why: rr.Body.String()}
		}
		return answer{ok: true, record: record(t, rr.Body.Bytes())}
	}
	page := func(req []kv) answer {
		o := map[string]json.RawMessage{}
		for _, p := range req {
			key := p[0]
			if r, ok := asr.LookupOption(p[0]); ok {
				key = r.JSON
			}
			v := json.RawMessage(p[1])
			if !json.Valid(v) {
				v, _ = json.Marshal(p[1])
			}
			o[key] = v
		}
		js, _ := json.Marshal(o)
		out, err := eng.TranscribeJSON(wasm.Audio{File: wav}, string(js), "-")
		if err != nil {
			var we *wasm.Error
			if !errors.As(err, &we) || we.Code != wasm.CodeOptions {
				t.Errorf("engine %s: %v, want code %q for a refused request", js, err, wasm.CodeOptions)
			}
			return answer{why: err.Error()}
		}
		return answer{ok: true, record: record(t, out)}
	}
	for i, req := range append(good, bad...) {
		wantOK := i < len(good)
		c, s, p := cli(req), http1(req), page(req)
		if c.ok != wantOK || s.ok != wantOK || p.ok != wantOK {
			t.Errorf("%v: accepted by CLI %v, server %v, engine %v; want %v (%s|%s|%s)", req, c.ok, s.ok, p.ok, wantOK, c.why, s.why, p.why)
			continue
		}
		if !wantOK {
			continue
		}
		if !reflect.DeepEqual(c.record, s.record) || !reflect.DeepEqual(c.record, p.record) {
			t.Errorf("%v: results differ\n    CLI %v\n server %v\n engine %v", req, c.record, s.record, p.record)
		}
		if i == 0 && c.record["text"] == "" {
			t.Errorf("default options: no words from hello.wav")
		}
	}
}

// record is a JSON result without what differs by door or run: the file
// name and the processing time.
func record(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(b), &m); err != nil {
		t.Fatalf("not one JSON record: %v\n%s", err, b)
	}
	delete(m, "file")
	delete(m, "processing_time")
	return m
}

// TestFlagsFromTheTable checks that every row of asr.OptionTable is a flag
// of the transcribe mode with the row's help, spelled --NAME except "lm"
// (--no-lm).
func TestFlagsFromTheTable(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--help"}, nil, &out, &errb); code != exitOK {
		t.Fatalf("--help: exit %d", code)
	}
	for i := range asr.OptionTable {
		r := &asr.OptionTable[i]
		name := r.Name
		if n, ok := cliOwnSpelling[name]; ok {
			name = n
		}
		if !strings.Contains(out.String(), "  -"+name+" ") && !strings.Contains(out.String(), "  -"+name+"\n") {
			t.Errorf("--help lacks -%s (option %q)", name, r.Name)
		}
		if name == r.Name && !strings.Contains(out.String(), r.Help[:20]) {
			t.Errorf("--help lacks the table's help for %s", r.Name)
		}
	}
}
