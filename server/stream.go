//go:build !js

package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/ecoute/ecoute/asr"
)

// Sample rates a stream may declare.
const (
	minStreamRate = 8000
	maxStreamRate = 192000
)

// maxStreamMessage bounds one WebSocket message: 1 MiB is 32 s of 16 kHz
// audio, far more than a client sends at once (Vosk's sends 0.2 s).
const maxStreamMessage = 1 << 20

// Close codes of /v1/stream (RFC 6455, section 7.4.1), with the reason text
// saying what was wrong.
const (
	closeBadJSON  = websocket.StatusInvalidFramePayloadData // 1007: a text message that is not the JSON of config, eof or reset
	closePolicy   = websocket.StatusPolicyViolation         // 1008: a sample rate outside 8-192 kHz, or config after audio; also idle
	closeTooLong  = websocket.StatusMessageTooBig           // 1009: the stream is past MaxDuration (or one message past 1 MiB)
	closeTooBusy  = websocket.StatusTryAgainLater           // 1013: MaxStreams streams are open
	closeInternal = websocket.StatusInternalError           // 1011: the model cannot be loaded
)

// voskWord is one word of a Vosk result.
type voskWord struct {
	Word  string      `json:"word"`
	Start asr.Rounded `json:"start"`
	End   asr.Rounded `json:"end"`
	Conf  asr.Rounded `json:"conf"`
}

// voskResult is Vosk's final result of a segment.
type voskResult struct {
	Text   string     `json:"text"`
	Result []voskWord `json:"result,omitempty"`
}

// voskMessage is a text message of the client.
type voskMessage struct {
	Config *struct {
		SampleRate *float64 `json:"sample_rate"`
	} `json:"config"`
	EOF   json.RawMessage `json:"eof"`
	Reset json.RawMessage `json:"reset"`
}

// closeError is a reason to close a stream with a status code.
type closeError struct {
	code websocket.StatusCode
	msg  string
}

func (e *closeError) Error() string { return e.msg }

// serveStream serves /v1/stream: Vosk's WebSocket protocol.
func (h *Handler) serveStream(w *trackingWriter, r *http.Request) {
	if !methodOK(w, r, http.MethodGet) {
		return
	}
	opts, err := h.options(r.URL.Query())
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	m, err := h.Model()
	if err != nil {
		writeError(w, errorf(http.StatusServiceUnavailable, "model not available: %v", err))
		return
	}
	rec, err := asr.NewRequestRecognizer(m, opts)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	ao := &websocket.AcceptOptions{}
	switch o := h.cfg.AllowOrigin; o {
	case "*":
		ao.InsecureSkipVerify = true // the API is open to every origin, as its CORS headers say
	case "-":
	default:
		ao.OriginPatterns = []string{o}
	}
	// The server's read and write timeouts would stay on the hijacked
	// connection; a stream has its own idle limit instead.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	c, err := websocket.Accept(w, r, ao)
	if err != nil {
		return // Accept has answered the request
	}
	defer c.CloseNow()
	c.SetReadLimit(maxStreamMessage)

	sc := h.cfg.Stream
	limit := int64(sc.MaxStreams)
	if limit == 0 {
		limit = int64(DefaultMaxStreams * runtime.NumCPU())
	}
	n := h.streams.active.Add(1)
	defer h.streams.active.Add(-1)
	if limit > 0 && n > limit {
		c.Close(closeTooBusy, fmt.Sprintf("the server is busy: %d streams are open; try again later", limit))
		return
	}
	sess := &streamSession{h: h, c: c, rec: rec, rate: 16000}
	err = sess.run(r.Context())
	w.audio = sess.seconds()
	var ce *closeError
	switch {
	case err == nil:
		c.Close(websocket.StatusNormalClosure, "")
	case errors.As(err, &ce):
		c.Close(ce.code, ce.msg)
	}
	// Any other error is the connection's own (the client went away).
}

// streamSession is one /v1/stream connection.
type streamSession struct {
	h    *Handler
	c    *websocket.Conn
	rec  *asr.Recognizer
	rate int
	s    *asr.Stream
	off  float64 // seconds of audio before s (streams before a reset)
	part string  // the last partial text
}

func (ss *streamSession) seconds() float64 {
	if ss.s == nil {
		return ss.off
	}
	return ss.off + ss.s.Duration()
}

func (ss *streamSession) run(ctx context.Context) error {
	sc := ss.h.cfg.Stream
	maxDur := sc.MaxDuration
	if maxDur <= 0 {
		maxDur = DefaultMaxStreamDuration
	}
	idle := sc.Idle
	if idle <= 0 {
		idle = DefaultStreamIdle
	}
	// A read whose context ends drops the connection without a close
	// frame, so the idle limit closes the stream from a timer instead.
	timer := time.AfterFunc(idle, func() { ss.c.Close(closePolicy, fmt.Sprintf("no message for %s", idle)) })
	defer timer.Stop()
	for {
		timer.Reset(idle)
		typ, msg, err := ss.c.Read(ctx)
		if !timer.Stop() {
			return errors.New("idle") // the timer has closed the stream
		}
		if err != nil {
			return err
		}
		if typ == websocket.MessageText {
			done, err := ss.text(ctx, msg)
			if err != nil || done {
				return err
			}
			continue
		}
		if ss.s == nil {
			ss.s = ss.rec.NewStream(ss.rate, sc.Options)
		}
		evs := ss.s.WritePCM16(msg)
		if ss.seconds() > maxDur.Seconds() {
			// Answer with what was heard, then close.
			if err := ss.send(ctx, ss.final(append(evs, ss.s.Close()...))); err != nil {
				return err
			}
			return &closeError{closeTooLong, fmt.Sprintf("the stream is longer than the limit of %s", maxDur)}
		}
		if err := ss.send(ctx, ss.answer(evs)); err != nil {
			return err
		}
	}
}

// text handles a text message; done means the stream has ended (eof).
func (ss *streamSession) text(ctx context.Context, msg []byte) (done bool, err error) {
	var vm voskMessage
	d := json.NewDecoder(bytes.NewReader(msg))
	if err := d.Decode(&vm); err != nil || d.More() {
		if err == nil {
			err = errors.New("more than one JSON value")
		}
		return false, &closeError{closeBadJSON, truncate(fmt.Sprintf("bad JSON message: %v; send {\"config\": {\"sample_rate\": 16000}}, binary audio, or {\"eof\": 1}", err))}
	}
	switch {
	case vm.Config != nil:
		if ss.s != nil {
			return false, &closeError{closePolicy, "config must come before the audio"}
		}
		if sr := vm.Config.SampleRate; sr != nil {
			if *sr != math.Trunc(*sr) || *sr < minStreamRate || *sr > maxStreamRate {
				return false, &closeError{closePolicy, fmt.Sprintf("sample_rate %g: want a whole number of Hz from %d to %d", *sr, minStreamRate, maxStreamRate)}
			}
			ss.rate = int(*sr)
		}
		return false, nil
	case vm.EOF != nil:
		var evs []asr.Event
		if ss.s != nil {
			evs = ss.s.Close()
		}
		return true, ss.send(ctx, ss.final(evs))
	case vm.Reset != nil:
		var evs []asr.Event
		if ss.s != nil {
			evs = ss.s.Close()
			ss.off += ss.s.Duration()
			ss.s = nil
		}
		return false, ss.send(ctx, ss.final(evs))
	}
	return false, &closeError{closeBadJSON, truncate(fmt.Sprintf("unknown message %q; send {\"config\": {\"sample_rate\": 16000}}, binary audio, or {\"eof\": 1}", msg))}
}

// answer is the reply to one chunk of audio: the finals it closed, merged
// into one result, or else the current partial text.
func (ss *streamSession) answer(evs []asr.Event) any {
	for _, e := range evs {
		if e.Final {
			return ss.final(evs)
		}
	}
	for _, e := range evs {
		ss.part = e.Text
	}
	return map[string]string{"partial": ss.part}
}

// final merges the finals of evs into one Vosk result.
func (ss *streamSession) final(evs []asr.Event) voskResult {
	var res voskResult
	for _, e := range evs {
		if !e.Final || e.Text == "" {
			continue
		}
		if res.Text != "" {
			res.Text += " "
		}
		res.Text += e.Text
		for _, w := range e.Words {
			res.Result = append(res.Result, voskWord{Word: w.Word,
				Start: asr.Rounded(w.Start + ss.off), End: asr.Rounded(w.End + ss.off), Conf: asr.Rounded(w.Confidence)})
		}
	}
	// A partial after the last final (audio after the cut) is the new
	// segment's; the client sees it with the next chunk.
	ss.part = ""
	for _, e := range evs {
		if e.Final {
			ss.part = ""
		} else {
			ss.part = e.Text
		}
	}
	return res
}

func (ss *streamSession) send(ctx context.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return ss.c.Write(wctx, websocket.MessageText, b)
}

// truncate keeps a close reason within the 123 bytes a close frame holds.
func truncate(s string) string {
	if len(s) <= 123 {
		return s
	}
	return strings.ToValidUTF8(s[:120], "") + "..."
}
