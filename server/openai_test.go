package server

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
)

// openAIErr decodes OpenAI's error shape and checks its type.
func openAIErr(t *testing.T, r response, status int, param string) string {
	t.Helper()
	if r.code != status {
		t.Fatalf("status %d, want %d: %s", r.code, status, r.body)
	}
	var e struct {
		Error struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Message == "" {
		t.Fatalf("not an OpenAI error: %s", r.body)
	}
	wantType := "invalid_request_error"
	if status >= 500 {
		wantType = "server_error"
	}
	if e.Error.Type != wantType {
		t.Errorf("type %q, want %q: %s", e.Error.Type, wantType, r.body)
	}
	got := ""
	if e.Error.Param != nil {
		got = *e.Error.Param
	}
	if got != param {
		t.Errorf("param %q, want %q: %s", got, param, r.body)
	}
	if e.Error.Code != nil {
		return e.Error.Message + " code=" + *e.Error.Code
	}
	return e.Error.Message
}

// openAIPost sends the file first and the fields after it, as the OpenAI
// SDKs do.
func openAIPost(t *testing.T, h http.Handler, file []byte, fields ...[2]string) response {
	t.Helper()
	ct, body := openAIForm(t, file, fields)
	return post(h, openAIPath, ct, body)
}

// openAIForm is a multipart form with the file part first.
func openAIForm(t *testing.T, file []byte, fields [][2]string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", "clip.wav")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// TestOpenAIFormats: every response_format holds the recognizer's result,
// written by package transcript where the CLI has the format. With the
// default model on hello.wav, a prompt naming "fox" is a hotword that turns
// the recognizer's "far" into "fox", as --hotword fox does.
func TestOpenAIFormats(t *testing.T) {
	wav, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Skip(err)
	}
	h := New(Config{Load: asr.Default})
	// Punctuated by default, as OpenAI's transcripts are.
	punct := func() asr.Options {
		o := defaults()
		if err := o.Set("punctuate", "true"); err != nil {
			t.Fatal(err)
		}
		return o
	}
	res := wantWith(t, asr.Default, wav, punct())

	r := openAIPost(t, h, wav, [2]string{"model", "whisper-1"})
	if r.code != 200 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("json: %d %s: %s", r.code, r.hdr.Get("Content-Type"), r.body)
	}
	var js struct{ Text string }
	if err := json.Unmarshal(r.body, &js); err != nil || js.Text != res.Text {
		t.Errorf("json: %s, want text %q", r.body, res.Text)
	}
	for api, kind := range map[string]string{"text": "txt", "srt": "srt", "vtt": "vtt"} {
		r := openAIPost(t, h, wav, [2]string{"model", "whisper-1"}, [2]string{"response_format", api})
		want, _ := transcript.Format(kind, res, transcript.Options{})
		if r.code != 200 || string(r.body) != string(want) || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/plain") {
			t.Errorf("%s: %d %s:\n%s\nwant\n%s", api, r.code, r.hdr.Get("Content-Type"), r.body, want)
		}
	}

	type verbose struct {
		Task, Language, Text string
		Duration             float64
		Segments             []struct {
			ID                        int
			Start, End                float64
			Text                      string
			Tokens                    []int
			AvgLogprob                float64 `json:"avg_logprob"`
			CompressionRatio          float64 `json:"compression_ratio"`
			Seek                      int
			Temperature, NoSpeechProb float64
		}
		Words []struct {
			Word       string
			Start, End float64
		}
	}
	for _, c := range []struct {
		gran            []string
		segments, words bool
	}{
		{nil, true, false},
		{[]string{"word"}, false, true},
		{[]string{"word", "segment"}, true, true},
	} {
		fields := [][2]string{{"model", "whisper-1"}, {"response_format", "verbose_json"}}
		for _, g := range c.gran {
			fields = append(fields, [2]string{"timestamp_granularities[]", g})
		}
		r := openAIPost(t, h, wav, fields...)
		if r.code != 200 {
			t.Fatalf("verbose_json %v: %d %s", c.gran, r.code, r.body)
		}
		var v verbose
		var raw map[string]any
		if err := json.Unmarshal(r.body, &v); err != nil || json.Unmarshal(r.body, &raw) != nil {
			t.Fatalf("verbose_json: %v: %s", err, r.body)
		}
		if _, ok := raw["segments"]; ok != c.segments {
			t.Errorf("%v: segments present %v, want %v: %s", c.gran, ok, c.segments, r.body)
		}
		if _, ok := raw["words"]; ok != c.words {
			t.Errorf("%v: words present %v, want %v: %s", c.gran, ok, c.words, r.body)
		}
		if v.Task != "transcribe" || v.Language != "english" || v.Text != res.Text || v.Duration != asr.Round3(res.Duration) {
			t.Errorf("verbose_json header: %s", r.body)
		}
		if c.words {
			if len(v.Words) != len(res.Words) {
				t.Fatalf("%d words, want %d", len(v.Words), len(res.Words))
			}
			for i, w := range res.Words {
				if g := v.Words[i]; g.Word != w.Word || g.Start != asr.Round3(w.Start) || g.End != asr.Round3(w.End) {
					t.Errorf("word %d: %+v, want %+v", i, g, w)
				}
			}
		}
		if c.segments {
			cues := transcript.Cues(res.Words, transcript.DefaultCueOptions)
			if len(v.Segments) != len(cues) || len(cues) == 0 {
				t.Fatalf("%d segments, want the %d cues of the srt answer", len(v.Segments), len(cues))
			}
			for i, cu := range cues {
				s := v.Segments[i]
				if s.ID != i || s.Text != cu.Text() || s.Start != asr.Round3(cu.Start) || s.End != asr.Round3(cu.End) || s.Tokens == nil ||
					s.AvgLogprob > 0 || s.CompressionRatio <= 0 {
					t.Errorf("segment %d: %+v, want cue %+v", i, s, cu)
				}
			}
		}
	}

	// prompt: hotwords, the same as the option field.
	o := punct()
	if err := o.Set("hotword", "the,quick,brown,fox"); err != nil {
		t.Fatal(err)
	}
	withFox := wantWith(t, asr.Default, wav, o)
	if !strings.Contains(withFox.Text, "fox") || strings.Contains(res.Text, "fox") || res.Text == wantWith(t, asr.Default, wav, defaults()).Text {
		t.Fatalf("the hotword does not change the default model's transcript (%q vs %q): pick another", res.Text, withFox.Text)
	}
	r = openAIPost(t, h, wav, [2]string{"model", "whisper-1"}, [2]string{"response_format", "text"}, [2]string{"prompt", "The quick, brown Fox."})
	if r.code != 200 || string(r.body) != withFox.Text+"\n" {
		t.Errorf("prompt: %d %q, want %q", r.code, r.body, withFox.Text+"\n")
	}
	// punctuate=false: the recognizer's plain text.
	r = openAIPost(t, h, wav, [2]string{"response_format", "text"}, [2]string{"punctuate", "false"})
	if want := wantWith(t, asr.Default, wav, defaults()).Text + "\n"; r.code != 200 || string(r.body) != want {
		t.Errorf("punctuate=false: %d %q, want %q", r.code, r.body, want)
	}
	// ecoute's own options are form fields too, and language "en" is fine.
	r = openAIPost(t, h, wav, [2]string{"language", "en"}, [2]string{"hotword", "fox"}, [2]string{"response_format", "text"})
	o = punct()
	o.Set("hotword", "fox")
	if want := wantWith(t, asr.Default, wav, o).Text + "\n"; r.code != 200 || string(r.body) != want {
		t.Errorf("hotword field: %d %q, want %q", r.code, r.body, want)
	}
}

func TestOpenAIBadRequests(t *testing.T) {
	h := newHandler(Config{MaxBodyBytes: 200 << 10})
	wav := tone(t, 1)
	for _, c := range []struct {
		name   string
		fields [][2]string
		status int
		param  string
		msg    string
	}{
		{"french", [][2]string{{"language", "fr"}}, 400, "language", "English only"},
		{"format", [][2]string{{"response_format", "docx"}}, 400, "response_format", "json, text, srt, vtt, verbose_json"},
		{"granularity", [][2]string{{"response_format", "verbose_json"}, {"timestamp_granularities[]", "char"}}, 400, "timestamp_granularities[]", `"word" or "segment"`},
		{"unknown field", [][2]string{{"upload", "x"}}, 400, "upload", "OpenAI's fields"},
		{"beam", [][2]string{{"beam", "0"}}, 400, "beam", "beam"},
		{"prompt", [][2]string{{"prompt", manyWords(asr.MaxHotwords + 1)}}, 400, "prompt", "too many hotwords"},
		{"temperature", [][2]string{{"temperature", "hot"}}, 400, "temperature", "0 to 1"},
		{"stream", [][2]string{{"stream", "true"}}, 400, "stream", "not supported"},
		{"long field", [][2]string{{"prompt", strings.Repeat("a", maxFieldBytes+1)}}, 400, "prompt", `form field "prompt" is longer than 4 KiB`},
	} {
		t.Run(c.name, func(t *testing.T) {
			msg := openAIErr(t, openAIPost(t, h, wav, c.fields...), c.status, c.param)
			if !strings.Contains(msg, c.msg) {
				t.Errorf("message %q does not say %q", msg, c.msg)
			}
		})
	}
	if msg := openAIErr(t, openAIPost(t, h, wav, [2]string{"language", "de"}), 400, "language"); !strings.HasSuffix(msg, "code=unsupported_language") {
		t.Errorf("language: %s", msg)
	}
	// Accepted and ignored: any model, temperature 0, stream false, en-US.
	r := openAIPost(t, h, wav, [2]string{"model", "gpt-4o-transcribe"}, [2]string{"temperature", "0"}, [2]string{"stream", "false"}, [2]string{"language", "en-US"})
	if r.code != 200 {
		t.Errorf("accepted fields: %d %s", r.code, r.body)
	}
	// No file, an empty file, two files, not audio, too large, not a form.
	ct, body := multipartBody(t, [][2]string{{"model", "whisper-1"}}, "", "", nil)
	openAIErr(t, post(h, openAIPath, ct, body), 400, "file")
	openAIErr(t, openAIPost(t, h, []byte{}), 400, "file")
	ct, body = openAIForm(t, wav, [][2]string{{"file", "again"}})
	openAIErr(t, post(h, openAIPath, ct, body), 400, "file")
	openAIErr(t, openAIPost(t, h, []byte("this is not audio at all, just text")), 400, "file")
	openAIErr(t, openAIPost(t, h, tone(t, 8)), 413, "file")
	openAIErr(t, post(h, openAIPath, "audio/wav", wav), 415, "")
	r = do(h, httptest.NewRequest(http.MethodGet, openAIPath, nil))
	openAIErr(t, r, 405, "")
	if r.hdr.Get("Allow") != "POST, OPTIONS" {
		t.Errorf("Allow: %q", r.hdr.Get("Allow"))
	}
}

func manyWords(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("w")
		b.WriteString(strings.Repeat("a", i%7+1))
		b.WriteString(string(rune('a' + i/7%26)))
		b.WriteString(" ")
	}
	return b.String()
}

func TestPromptHotwords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"The quick, brown Fox. The fox!", "the,quick,brown,fox"},
		{"Don't stop: ecoute's 'well-known' -terms- 42", "don't,stop,ecoute's,well-known,terms,42"},
		{"Zoë, naïve café", "zoë,naïve,café"},
		{"word:3.5", "word,3,5"},
	} {
		if got := promptHotwords(c.in); got != c.want {
			t.Errorf("promptHotwords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	var o asr.Options
	if err := o.Set("hotword", promptHotwords("Kubernetes, ecoute and Zoë")); err != nil || len(o.Hotwords) != 4 {
		t.Errorf("prompt hotwords do not parse as hotwords: %v %+v", err, o.Hotwords)
	}
}
