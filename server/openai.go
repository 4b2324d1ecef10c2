package server

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
)

// openAIPath is the route of OpenAI's speech-to-text API
// (https://platform.openai.com/docs/api-reference/audio/createTranscription).
const openAIPath = "/v1/audio/transcriptions"

// OpenAIFormats are the response_format values of the OpenAI-compatible
// route, the first the default.
var OpenAIFormats = []string{"json", "text", "srt", "vtt", "verbose_json"}

// openAIFields are the form fields of OpenAI's request that the route
// reads or accepts; asr.OptionTable's names are accepted too.
var openAIFields = []string{"file", "model", "response_format", "timestamp_granularities[]", "language", "prompt", "temperature", "stream", "include[]", "chunking_strategy"}

// An openAIError is an error answered in OpenAI's error shape, naming the
// request field (param) it is about and an error code when it has one. Its
// status and message are those of the error it wraps (Handler.status).
type openAIError struct {
	err   error
	param string
	code  string
}

func (e *openAIError) Error() string { return e.err.Error() }
func (e *openAIError) Unwrap() error { return e.err }

// badField is a 400 about one form field.
func badField(param, code, format string, args ...any) error {
	return &openAIError{err: errorf(http.StatusBadRequest, format, args...), param: param, code: code}
}

// openAIRequest is a parsed request of the OpenAI route.
type openAIRequest struct {
	data          []byte // the audio file
	format        string // response_format
	words         bool   // verbose_json: "words"
	segments      bool   // verbose_json: "segments"
	opts          asr.Options
	granularities []string
}

// serveOpenAI answers POST /v1/audio/transcriptions.
func (h *Handler) serveOpenAI(w *trackingWriter, r *http.Request) {
	refuse := func(err error) {
		var oe *openAIError
		errors.As(err, &oe)
		h.refuseWith(w, r, err, func(code int, msg string) {
			var param, ecode string
			if oe != nil {
				param, ecode = oe.param, oe.code
			}
			writeOpenAIError(w, code, msg, param, ecode)
		})
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", allowFor(r.URL.Path))
		refuse(errorf(http.StatusMethodNotAllowed, "method %s not allowed on %s; use POST", r.Method, r.URL.Path))
		return
	}
	req, res, err := h.openAITranscribe(w, r)
	if err != nil {
		refuse(err)
		return
	}
	w.audio = res.Duration
	switch req.format {
	case "json":
		writeJSON(w, http.StatusOK, struct {
			Text string `json:"text"`
		}{res.Text})
	case "verbose_json":
		writeJSON(w, http.StatusOK, verboseJSON(res, req.segments, req.words))
	default:
		kind := map[string]string{"text": "txt", "srt": "srt", "vtt": "vtt"}[req.format]
		b, err := transcript.Format(kind, res, transcript.Options{})
		if err != nil {
			panic(err) // the formats are transcript's
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		w.Write(b)
	}
}

// openAITranscribe reads the multipart form (its fields in any order),
// checks it, then transcribes the file: size, admission and limits as on
// /v1/transcribe.
func (h *Handler) openAITranscribe(w http.ResponseWriter, r *http.Request) (*openAIRequest, *asr.Result, error) {
	mt, params, err := mediaType(r.Header.Get("Content-Type"))
	if err == nil && mt != "multipart/form-data" {
		err = errorf(http.StatusUnsupportedMediaType, "unsupported Content-Type %q; send multipart/form-data with the audio in a field named \"file\"", mt)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := h.limits.CheckSize(r.ContentLength); err != nil {
		return nil, nil, &openAIError{err: err, param: "file"}
	}
	release, err := h.admitRequest()
	if err != nil {
		return nil, nil, err
	}
	defer release()
	req, err := h.readOpenAIForm(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes), params["boundary"])
	if err != nil {
		return nil, nil, err
	}
	res, err := h.recognize(r.Context(), req.data, req.opts)
	if err != nil {
		var he *httpError
		if !errors.As(err, &he) {
			err = &openAIError{err: err, param: "file"}
		}
		return nil, nil, err
	}
	return req, res, nil
}

// readOpenAIForm reads the whole form: the audio in "file", OpenAI's
// fields, and ecoute's option fields (asr.OptionTable's names, as on
// /v1/transcribe). Options are set through asr.Options.Set over the
// handler's defaults.
func (h *Handler) readOpenAIForm(body io.Reader, boundary string) (*openAIRequest, error) {
	mr := multipart.NewReader(body, boundary)
	req := &openAIRequest{format: OpenAIFormats[0]}
	fields := url.Values{}
	opts := url.Values{}
	seenFile := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, h.multipartError(err)
		}
		name := p.FormName()
		if name == "file" {
			if seenFile {
				return nil, badField("file", "", `more than one "file" part; send one audio file per request`)
			}
			seenFile = true
			if req.data, err = io.ReadAll(p); err != nil {
				return nil, h.multipartError(err)
			}
			continue
		}
		_, isOption := asr.LookupOption(name)
		if !isOption && !slices.Contains(openAIFields, name) && name != "timestamp_granularities" {
			return nil, badField(name, "unknown_parameter", "unknown form field %q; OpenAI's fields are %s, and ecoute's options %s",
				name, strings.Join(openAIFields, ", "), strings.Join(asr.OptionNames(), ", "))
		}
		v, err := h.readField(p, maxFieldBytes)
		if err != nil {
			if he, ok := err.(*httpError); ok && he.field != "" {
				err = &openAIError{err: he, param: he.field}
			}
			return nil, err
		}
		if isOption {
			opts.Add(name, v)
		} else {
			fields.Add(name, v)
		}
	}
	if !seenFile {
		return nil, badField("file", "", `the form has no "file" field; send the audio (WAV, FLAC or MP3) in a field named "file"`)
	}
	if len(req.data) == 0 {
		return nil, badField("file", "", `the "file" part is empty; send a WAV, FLAC or MP3 file`)
	}
	last := func(name string) string {
		v := fields[name]
		if len(v) == 0 {
			return ""
		}
		return strings.TrimSpace(v[len(v)-1])
	}
	// model: any value is accepted and ignored; the server answers with
	// the model it was started with.
	if f := last("response_format"); f != "" {
		if !slices.Contains(OpenAIFormats, f) {
			return nil, badField("response_format", "", "response_format %q is not supported; want one of %s", f, strings.Join(OpenAIFormats, ", "))
		}
		req.format = f
	}
	for _, g := range append(fields["timestamp_granularities[]"], fields["timestamp_granularities"]...) {
		switch g = strings.TrimSpace(g); g {
		case "word":
			req.words = true
		case "segment":
			req.segments = true
		default:
			return nil, badField("timestamp_granularities[]", "", `timestamp granularity %q is not supported; want "word" or "segment"`, g)
		}
		req.granularities = append(req.granularities, g)
	}
	if len(req.granularities) == 0 {
		req.segments = true // OpenAI's default
	}
	if lang := last("language"); !isEnglish(lang) {
		return nil, badField("language", "unsupported_language", "language %q is not supported: this server's model recognizes English only; send \"en\" or leave language out", lang)
	}
	if t := last("temperature"); t != "" {
		if v, err := strconv.ParseFloat(t, 64); err != nil || v < 0 || v > 1 || math.IsNaN(v) {
			return nil, badField("temperature", "", "temperature %q: want a number from 0 to 1 (it is accepted and ignored: decoding is deterministic)", t)
		}
	}
	if s := last("stream"); s != "" && s != "false" {
		return nil, badField("stream", "", "stream=%s is not supported: the answer comes whole when the file is transcribed", s)
	}
	req.opts = h.defs
	req.opts.Hotwords = append([]asr.Hotword(nil), h.defs.Hotwords...)
	if err := applyOptions(opts, &req.opts); err != nil {
		var oe *asr.OptionError
		param := ""
		if errors.As(err, &oe) {
			param = oe.Name
		}
		return nil, &openAIError{err: err, param: param}
	}
	// OpenAI's transcripts are punctuated and cased, in every format:
	// punctuate unless the form says otherwise.
	if _, given := opts["punctuate"]; !given {
		if err := req.opts.Set("punctuate", "true"); err != nil {
			panic(err) // a row of the table
		}
	}
	if hw := promptHotwords(last("prompt")); hw != "" {
		if err := req.opts.Set("hotword", hw); err != nil {
			return nil, &openAIError{err: fmt.Errorf("prompt: %w", err), param: "prompt"}
		}
	}
	// Subtitles and segments are built from word times.
	if req.format == "srt" || req.format == "vtt" || req.format == "verbose_json" {
		if err := req.opts.Set("timestamps", "true"); err != nil {
			panic(err) // a row of the table
		}
	}
	return req, nil
}

// isEnglish reports whether an OpenAI language field asks for English
// (ISO-639-1 "en", also "eng", "english", "en-US" and the like) or for
// nothing.
func isEnglish(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	switch {
	case l == "", l == "en", l == "eng", l == "english":
		return true
	case strings.HasPrefix(l, "en-"), strings.HasPrefix(l, "en_"):
		return true
	}
	return false
}

// promptHotwords turns OpenAI's prompt (free text: names, terms, the
// previous sentence) into the CLI's hotword syntax: each distinct word,
// lower-cased, at the default boost. Words are runs of letters, digits,
// apostrophes and hyphens, trimmed of apostrophes and hyphens at their
// ends. More than asr.MaxHotwords distinct words is an option error, as
// that many --hotword flags would be.
func promptHotwords(prompt string) string {
	isWord := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == '-'
	}
	var out []string
	for _, f := range strings.FieldsFunc(prompt, func(r rune) bool { return !isWord(r) }) {
		f = strings.ToLower(strings.Trim(f, "'’-"))
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return strings.Join(out, ",")
}

// verboseJSON is OpenAI's verbose_json answer. Its segments are the
// subtitle cues of the result (transcript.Cues with DefaultCueOptions),
// the same that the srt and vtt answers hold; its words are the result's.
// Numbers are rounded to milliseconds as in asr.AppendJSON.
func verboseJSON(res *asr.Result, withSegments, withWords bool) any {
	type segment struct {
		ID               int         `json:"id"`
		Seek             int         `json:"seek"`
		Start            asr.Rounded `json:"start"`
		End              asr.Rounded `json:"end"`
		Text             string      `json:"text"`
		Tokens           []int       `json:"tokens"`
		Temperature      float64     `json:"temperature"`
		AvgLogprob       asr.Rounded `json:"avg_logprob"`
		CompressionRatio asr.Rounded `json:"compression_ratio"`
		NoSpeechProb     float64     `json:"no_speech_prob"`
	}
	type word struct {
		Word  string      `json:"word"`
		Start asr.Rounded `json:"start"`
		End   asr.Rounded `json:"end"`
	}
	out := struct {
		Task     string      `json:"task"`
		Language string      `json:"language"`
		Duration asr.Rounded `json:"duration"`
		Text     string      `json:"text"`
		Segments *[]segment  `json:"segments,omitempty"`
		Words    *[]word     `json:"words,omitempty"`
	}{Task: "transcribe", Language: "english", Duration: asr.Rounded(res.Duration), Text: res.Text}
	if withSegments {
		segs := []segment{}
		for i, c := range transcript.Cues(res.Words, transcript.DefaultCueOptions) {
			text := c.Text()
			segs = append(segs, segment{ID: i, Seek: int(math.Round(c.Start * 100)), Start: asr.Rounded(c.Start), End: asr.Rounded(c.End),
				Text: text, Tokens: []int{}, AvgLogprob: asr.Rounded(meanLogConfidence(c.Words)), CompressionRatio: asr.Rounded(compressionRatio(text))})
		}
		out.Segments = &segs
	}
	if withWords {
		ws := []word{}
		for _, w := range res.Words {
			ws = append(ws, word{w.Word, asr.Rounded(w.Start), asr.Rounded(w.End)})
		}
		out.Words = &ws
	}
	return out
}

// meanLogConfidence is the mean natural log of the words' confidences,
// what the segment's avg_logprob reports (Whisper's is the mean log
// probability of its tokens). A confidence of 0 gives -Inf, written null.
func meanLogConfidence(ws []asr.Word) float64 {
	if len(ws) == 0 {
		return 0
	}
	s := 0.0
	for _, w := range ws {
		s += math.Log(w.Confidence)
	}
	return s / float64(len(ws))
}

// compressionRatio is Whisper's: the text's length in bytes over the
// length of its zlib compression (repetitive text compresses well).
func compressionRatio(text string) float64 {
	if text == "" {
		return 0
	}
	var b bytes.Buffer
	z, _ := zlib.NewWriterLevel(&b, zlib.DefaultCompression)
	z.Write([]byte(text))
	z.Close()
	return float64(len(text)) / float64(b.Len())
}

// writeOpenAIError answers with OpenAI's error shape:
// {"error": {"message", "type", "param", "code"}}, param and code null when
// empty. type is invalid_request_error for 4xx and server_error otherwise.
func writeOpenAIError(w http.ResponseWriter, status int, msg, param, code string) {
	typ := "invalid_request_error"
	if status >= 500 {
		typ = "server_error"
	}
	nullable := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "param": nullable(param), "code": nullable(code),
	}})
	writeBody(w, status, append(b, '\n'))
}
