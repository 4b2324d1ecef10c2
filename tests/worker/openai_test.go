package worker_test

import (
	"bytes"
	"encoding/json"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/server"
)

// openAIRequest is a multipart request of OpenAI's transcription API, the
// file first as the SDKs send it.
func openAIRequest(t *testing.T, target string, file []byte, fields ...[2]string) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "hello.wav")
	fw.Write(file)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	mw.Close()
	req, err := http.NewRequest("POST", target, bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// TestOpenAI sends one request per response_format to the worker's
// /v1/audio/transcriptions and compares the answer with the native
// handler's on the same request: text, srt and vtt byte for byte, json and
// verbose_json field by field (confidences, from which avg_logprob comes,
// within float tolerance). A French request gets OpenAI's 400.
func TestOpenAI(t *testing.T) {
	need(t)
	data, err := os.ReadFile(filepath.Join(testdata, "hello.wav"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model()
	if err != nil {
		t.Fatal(err)
	}
	native := server.New(server.Config{Load: func() (*asr.Model, error) { return m, nil }})
	for _, format := range server.OpenAIFormats {
		fields := [][2]string{{"model", "whisper-1"}, {"response_format", format}}
		if format == "verbose_json" {
			fields = append(fields, [2]string{"timestamp_granularities[]", "word"}, [2]string{"timestamp_granularities[]", "segment"})
		}
		got := roundTrip(t, openAIRequest(t, base+"/v1/audio/transcriptions", data, fields...))
		rec := &recorder{hdr: http.Header{}}
		native.ServeHTTP(rec, openAIRequest(t, "/v1/audio/transcriptions", data, fields...))
		if got.code != 200 || rec.code != 200 {
			t.Errorf("%s: worker %d %s, native %d %s", format, got.code, got.body, rec.code, rec.body.Bytes())
			continue
		}
		if g, w := got.hdr.Get("Content-Type"), rec.hdr.Get("Content-Type"); g != w {
			t.Errorf("%s: Content-Type %q, native %q", format, g, w)
		}
		if format != "json" && format != "verbose_json" {
			if !bytes.Equal(got.body, rec.body.Bytes()) {
				t.Errorf("%s: worker\n%s\nnative\n%s", format, got.body, rec.body.Bytes())
			}
			continue
		}
		var g, w any
		if json.Unmarshal(got.body, &g) != nil || json.Unmarshal(rec.body.Bytes(), &w) != nil {
			t.Errorf("%s: not JSON: %s", format, got.body)
			continue
		}
		if !closeJSON(g, w) {
			t.Errorf("%s: worker\n%s\nnative\n%s", format, got.body, rec.body.Bytes())
		}
	}
	r := roundTrip(t, openAIRequest(t, base+"/v1/audio/transcriptions", data, [2]string{"model", "whisper-1"}, [2]string{"language", "fr"}))
	var e struct {
		Error struct{ Message, Type, Param, Code string }
	}
	if r.code != 400 || json.Unmarshal(r.body, &e) != nil || e.Error.Param != "language" || e.Error.Code != "unsupported_language" || e.Error.Type != "invalid_request_error" {
		t.Errorf("language fr: %d %s", r.code, r.body)
	}
}

// closeJSON compares decoded JSON values, numbers within 0.002 (one unit
// of the third decimal, either way, for rounding).
func closeJSON(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && math.Abs(a-b) <= 0.002
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !closeJSON(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k := range a {
			if !closeJSON(a[k], b[k]) {
				return false
			}
		}
		return true
	}
	return a == b
}
