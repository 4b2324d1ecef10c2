package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
	"github.com/ecoute/ecoute/audio"
)

// alignText is what hello.wav says, with two words it does not say and a
// symbol the model cannot spell (as cmd/transcribe's golden test).
const alignText = "The quick brown fox, you know, jumps over the lazy dog. §\n"

// TestAlign: POST /v1/align answers, in every format, the file that
// transcript.FormatAlignment writes for asr.Recognizer.Align on the same
// audio and text (the file of `transcribe align`), with the format's
// Content-Type; the text may come before or after the audio, and the
// format and limits from the query or the form.
func TestAlign(t *testing.T) {
	wav, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Skip(err)
	}
	m, err := asr.Default()
	if err != nil {
		t.Skip(err)
	}
	pcm, err := audio.Decode(bytes.NewReader(wav))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := asr.NewRecognizer(m, asr.DefaultOptions()).Align(pcm, alignText, asr.AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := New(Config{Load: asr.Default})
	narrow := transcript.DefaultCueOptions
	narrow.MaxLineChars, narrow.MaxLines = 16, 1
	for _, c := range []struct {
		query  string
		fields [][2]string
		format string
		ct     string
		o      transcript.CueOptions
	}{
		{"", [][2]string{{"text", alignText}}, "srt", "application/x-subrip; charset=utf-8", transcript.DefaultCueOptions},
		{"?format=vtt&max_chars=16", [][2]string{{"text", alignText}, {"max_lines", "1"}}, "vtt", "text/vtt; charset=utf-8", narrow},
		{"?format=srt", [][2]string{{"format", "json"}, {"text", alignText}}, "json", "application/json; charset=utf-8", transcript.DefaultCueOptions},
		{"", [][2]string{{"text", alignText}, {"format", "textgrid"}}, "textgrid", "text/plain; charset=utf-8", transcript.DefaultCueOptions},
	} {
		ct, body := multipartBody(t, c.fields, "file", "audio/wav", wav)
		r := post(h, alignPath+c.query, ct, body)
		if r.code != 200 {
			t.Fatalf("%s: status %d: %s", c.format, r.code, r.body)
		}
		if got := r.hdr.Get("Content-Type"); got != c.ct {
			t.Errorf("%s: Content-Type %q, want %q", c.format, got, c.ct)
		}
		want, err := transcript.FormatAlignment(c.format, "clip.wav", lib, c.o)
		if err != nil {
			t.Fatal(err)
		}
		if c.format == "json" {
			sameAlignJSON(t, r.body, want)
			continue
		}
		if !bytes.Equal(r.body, want) {
			t.Errorf("%s: answer differs from the library's\n--- got\n%s\n--- want\n%s", c.format, r.body, want)
		}
	}
	// The text after the audio, and the audio in a field named "audio".
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("audio", "hello.wav")
	fw.Write(wav)
	mw.WriteField("text", alignText)
	mw.Close()
	r := post(h, alignPath+"?format=json", mw.FormDataContentType(), b.Bytes())
	want, _ := transcript.FormatAlignment("json", "hello.wav", lib, transcript.DefaultCueOptions)
	if r.code != 200 {
		t.Fatalf("text after the audio: status %d: %s", r.code, r.body)
	}
	sameAlignJSON(t, r.body, want)
}

// sameAlignJSON checks that an answer is the JSON want but for the
// processing time.
func sameAlignJSON(t *testing.T, body, want []byte) {
	t.Helper()
	var g, w map[string]any
	if err := json.Unmarshal(body, &g); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, body)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if _, ok := g["processing_time"].(float64); !ok {
		t.Errorf("no processing_time in %s", body)
	}
	delete(g, "processing_time")
	delete(w, "processing_time")
	if !reflect.DeepEqual(g, w) {
		t.Errorf("json differs from the library's\n got %s\nwant %s", body, want)
	}
	words, _ := g["words"].([]any)
	if len(words) != 12 {
		t.Errorf("%d words, want 12 (every word of the text)", len(words))
	}
}

// TestAlignBadRequests: each bad request is answered with its status and
// a JSON error that says what was wrong; none panics.
func TestAlignBadRequests(t *testing.T) {
	wav, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Skip(err)
	}
	if _, err := asr.Default(); err != nil {
		t.Skip(err)
	}
	h := New(Config{Load: asr.Default})
	silence := tone(t, 0) // a WAV of no samples
	quiet := make([]float32, 16000)
	var qb bytes.Buffer
	audio.EncodeWAV(&qb, quiet, 16000)
	form := func(fields [][2]string, file []byte) (string, []byte) {
		if file == nil {
			return multipartBody(t, fields, "", "", nil)
		}
		return multipartBody(t, fields, "file", "", file)
	}
	long := strings.Repeat("extraordinarily ", 100)
	for _, c := range []struct {
		name   string
		query  string
		fields [][2]string
		file   []byte
		code   int
		msg    string
	}{
		{"no text", "", nil, wav, 400, `no "text" field`},
		{"no file", "", [][2]string{{"text", "hello"}}, nil, 400, `no "file" or "audio" field`},
		{"empty file", "", [][2]string{{"text", "hello"}}, []byte{}, 400, "empty audio file"},
		{"empty text", "", [][2]string{{"text", " \n"}}, wav, 400, "no words the model can spell"},
		{"symbols only", "", [][2]string{{"text", "§ ¶"}}, wav, 400, "no words the model can spell"},
		{"text too long", "", [][2]string{{"text", long}}, wav, 400, "text needs at least"},
		{"no speech", "", [][2]string{{"text", "hello"}}, qb.Bytes(), 400, "no speech"},
		{"no samples", "", [][2]string{{"text", "hello"}}, silence, 400, ""},
		{"unknown format", "", [][2]string{{"text", "hello"}, {"format", "docx"}}, wav, 400, `unknown format "docx"`},
		{"unknown format in the query", "?format=txt", [][2]string{{"text", "hello"}}, wav, 400, `unknown format "txt"`},
		{"bad limit", "", [][2]string{{"text", "hello"}, {"max_chars", "0"}}, wav, 400, "max_chars"},
		{"bad seconds", "?max_seconds=-1", [][2]string{{"text", "hello"}}, wav, 400, "max_seconds"},
		{"unknown field", "", [][2]string{{"text", "hello"}, {"beam", "8"}}, wav, 400, `unknown form field "beam"`},
		{"unknown query field", "?text=hello", nil, wav, 400, `unknown query field "text"`},
	} {
		ct, body := form(c.fields, c.file)
		r := post(h, alignPath+c.query, ct, body)
		if r.code != c.code {
			t.Errorf("%s: status %d, want %d: %s", c.name, r.code, c.code, r.body)
			continue
		}
		if msg := r.errorMessage(t); !strings.Contains(msg, c.msg) {
			t.Errorf("%s: error %q, want it to say %q", c.name, msg, c.msg)
		}
	}
	if r := post(h, alignPath, "audio/wav", wav); r.code != 415 {
		t.Errorf("audio body: status %d, want 415", r.code)
	}
	r := do(h, httptest.NewRequest("GET", alignPath, nil))
	if r.code != 405 || r.hdr.Get("Allow") != "POST, OPTIONS" {
		t.Errorf("GET: status %d, Allow %q", r.code, r.hdr.Get("Allow"))
	}
	if r := post(newHandler(Config{MaxBodyBytes: 1000}), alignPath, "multipart/form-data; boundary=x", bytes.Repeat([]byte("x"), 2000)); r.code != 413 {
		t.Errorf("large body: status %d, want 413", r.code)
	}
	// A form whose text field is longer than the limit.
	ct, body := form([][2]string{{"text", strings.Repeat("a", alignMaxTextBytes+1)}}, wav)
	if r := post(New(Config{Load: asr.Default, MaxBodyBytes: 4 << 20}), alignPath, ct, body); r.code != 400 || !strings.Contains(fmt.Sprint(r.errorMessage(t)), `form field "text" is longer than 1 MiB`) {
		t.Errorf("text over the limit: status %d: %s", r.code, r.body)
	}
}
