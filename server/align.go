package server

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
)

// alignPath is the forced-alignment route: "paste text, get subtitles".
//
//	POST /v1/align   multipart/form-data: "file" (or "audio") the audio,
//	                 "text" the words it says; the answer is the file of
//	                 `transcribe align --format FORMAT`
//
// Fields (form fields, in any order, or the query string; a form field
// wins): format (srt, the default; vtt, json or textgrid: see
// transcript.FormatAlignment), and the subtitle limits max_chars,
// max_lines, max_seconds and min_pause (the CLI's --max-chars,
// --max-lines, --max-seconds, --min-pause; defaults
// transcript.DefaultCueOptions). The text is at most alignMaxTextBytes.
// The answer's Content-Type is application/x-subrip (srt), text/vtt,
// application/json or text/plain (textgrid), with charset=utf-8.
//
// Errors are JSON {"error"} as on the other routes: 405 for a method other
// than POST, 415 for a body that is not multipart/form-data, 400 for a
// missing file or text, an unknown field or format, a bad limit, text with
// no word the model can spell, audio with no speech, or text too long to be
// said in the audio; 413 and 503 as for /v1/transcribe. Words the model
// cannot spell, or that score low, are in the answer (json: "found" and
// "low"), not errors.
const alignPath = "/v1/align"

// alignMaxTextBytes bounds the text field: about 170,000 words, far more
// than the longest audio a request may hold says.
const alignMaxTextBytes = 1 << 20

// alignFields are the non-file fields of an alignment request: the text,
// the format and the subtitle limits (transcript.CueLimits).
var alignFields = func() []string {
	f := []string{"text", "format"}
	for _, l := range transcript.CueLimits {
		f = append(f, l.Form)
	}
	return f
}()

// alignRequest is a parsed alignment request.
type alignRequest struct {
	data   []byte // the audio file
	name   string // its file name, "-" if none
	text   string
	format string
	cues   transcript.CueOptions
}

// serveAlign answers POST /v1/align.
func (h *Handler) serveAlign(w *trackingWriter, r *http.Request) {
	if !methodOK(w, r, http.MethodPost) {
		return
	}
	req, release, err := h.readAlign(w, r)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	defer release()
	res, err := h.align(r, req)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	w.audio = res.Duration
	b, err := transcript.FormatAlignment(req.format, req.name, res, req.cues)
	if err != nil { // formats are checked when the request is read
		h.refuse(w, r, err)
		return
	}
	ct := map[string]string{"srt": "application/x-subrip", "vtt": "text/vtt", "json": "application/json", "textgrid": "text/plain"}[req.format]
	w.Header().Set("Content-Type", ct+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// readAlign checks the request and reads its form, in the order of the
// package documentation: the query's fields, content type, declared size,
// room in the queue (release returns the admission token), then the body.
func (h *Handler) readAlign(w http.ResponseWriter, r *http.Request) (req *alignRequest, release func(), err error) {
	req, err = h.readAlignForm(w, r, func() error {
		release, err = h.admitRequest()
		return err
	})
	if err != nil && release != nil {
		release()
		release = nil
	}
	return req, release, err
}

// readAlignForm is readAlign with admit called before the body is read.
func (h *Handler) readAlignForm(w http.ResponseWriter, r *http.Request, admit func() error) (*alignRequest, error) {
	fields := url.Values{}
	for name, v := range r.URL.Query() {
		if !slices.Contains(alignFields, name) || name == "text" {
			return nil, errorf(http.StatusBadRequest, "unknown query field %q on %s; send %s", name, alignPath, alignFormFields())
		}
		fields[name] = v
	}
	mt, params, err := mediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	if mt != "multipart/form-data" {
		return nil, errorf(http.StatusUnsupportedMediaType, "%s takes multipart/form-data: %s", alignPath, alignFormFields())
	}
	if err := h.limits.CheckSize(r.ContentLength); err != nil {
		return nil, err
	}
	probe := &alignRequest{}
	if err := probe.parseFields(fields); err != nil {
		return nil, err
	}
	if err := admit(); err != nil {
		return nil, err
	}
	body := http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes)
	req := &alignRequest{name: "-"}
	mr := multipart.NewReader(body, params["boundary"])
	haveFile, haveText := false, false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, h.multipartError(err)
		}
		name := p.FormName()
		switch {
		case slices.Contains(fileFields, name):
			if haveFile {
				return nil, errorf(http.StatusBadRequest, "two audio fields; send one")
			}
			haveFile = true
			if req.data, err = io.ReadAll(p); err != nil {
				return nil, h.multipartError(err)
			}
			if fn := p.FileName(); fn != "" {
				req.name = fn
			}
		case name == "text":
			if req.text, err = h.readField(p, alignMaxTextBytes); err != nil {
				return nil, err
			}
			haveText = true
		case slices.Contains(alignFields, name):
			v, err := h.readField(p, maxFieldBytes)
			if err != nil {
				return nil, err
			}
			fields.Set(name, v) // a form field overrides the query
		default:
			return nil, errorf(http.StatusBadRequest, "unknown form field %q; send %s", name, alignFormFields())
		}
	}
	switch {
	case !haveFile:
		return nil, errorf(http.StatusBadRequest, `no "file" or "audio" field; send %s`, alignFormFields())
	case len(req.data) == 0:
		return nil, errorf(http.StatusBadRequest, "empty audio file: send a WAV, FLAC or MP3 file")
	case !haveText:
		return nil, errorf(http.StatusBadRequest, `no "text" field; send %s`, alignFormFields())
	}
	if err := req.parseFields(fields); err != nil {
		return nil, err
	}
	return req, nil
}

// parseFields sets the format and the cue limits from fields (their last
// values), as `transcribe align` checks its flags.
func (req *alignRequest) parseFields(fields url.Values) error {
	req.format = transcript.AlignFormats[0]
	if v := fields.Get("format"); v != "" {
		if !transcript.KnownAlign(v) {
			return errorf(http.StatusBadRequest, "unknown format %q; want one of %s", v, strings.Join(transcript.AlignFormats, ", "))
		}
		req.format = v
	}
	req.cues = transcript.DefaultCueOptions
	for _, l := range transcript.CueLimits {
		if v := fields.Get(l.Form); v != "" {
			if err := req.cues.Set(l.Form, v); err != nil {
				return errorf(http.StatusBadRequest, "%v", err)
			}
		}
	}
	return nil
}

// alignFormFields describes the form of an alignment request, for errors.
func alignFormFields() string {
	return `the audio in a field named "file" or "audio" and its words in "text"; optional fields ` + strings.Join(alignFields[1:], ", ")
}

// align waits for a slot, decodes the audio within the limits and aligns
// the text to it. Its errors are answered by status: the
// alignment's own (asr.ErrEmptyText, asr.ErrNoSpeech, asr.ErrTextTooLong)
// are 400s.
func (h *Handler) align(r *http.Request, req *alignRequest) (*asr.Alignment, error) {
	if h.run != nil {
		select {
		case h.run <- struct{}{}:
			defer func() { <-h.run }()
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	pcm, err := h.limits.Decode(req.data)
	if err != nil {
		return nil, err
	}
	req.data = nil
	m, err := h.Model()
	if err != nil {
		return nil, errorf(http.StatusServiceUnavailable, "model not available: %v", err)
	}
	res, err := asr.NewRecognizer(m, h.defs).Align(pcm, req.text, asr.AlignOptions{})
	switch {
	case errors.Is(err, asr.ErrEmptyText), errors.Is(err, asr.ErrNoSpeech), errors.Is(err, asr.ErrTextTooLong):
		return nil, errorf(http.StatusBadRequest, "%v", err)
	case err != nil:
		return nil, errorf(http.StatusInternalServerError, "aligning: %v", err)
	}
	return res, nil
}
