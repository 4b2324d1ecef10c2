package corpus

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/ecoute/ecoute/audio"
)

// maxOvershoot is how far past the end of its recording a segment may end
// and be truncated (Kaldi's extract-segments --max-overshoot default).
const maxOvershoot = 0.5

// maxCommandBytes bounds a wav.scp command's output (4 GiB, as the CLI's
// inputs).
const maxCommandBytes = 4 << 30

// Load decodes u's audio with audio.Decode (WAV, FLAC or MP3): the file, or
// the standard output of the command run by "sh -c". With Channel set it
// keeps that channel; otherwise channels are mixed. A segment is cut to
// [Start, End) at the recording's own rate: sample floor(Start*rate) up to
// floor(End*rate), as Kaldi's extract-segments (times are taken to the
// microsecond first, so a time written to a sample boundary lands on it). A segment that starts past
// the end of its recording, or ends more than 0.5 s past it, is an error;
// one that ends less than that past it is truncated.
//
// The recordings of the last few segments are kept decoded (at most 16 Mi
// samples in all), so the segments of one recording, read in order, decode
// it once. The returned samples are never shared.
func (u *Utterance) Load() (*audio.PCM, error) {
	if !u.Segment() {
		return u.decode()
	}
	p, err := recordings.get(u)
	if err != nil {
		return nil, err
	}
	s, e, err := u.cut(p)
	if err != nil {
		return nil, err
	}
	return &audio.PCM{Samples: append([]float32(nil), p.Samples[s:e]...), Rate: p.Rate, Channels: p.Channels}, nil
}

// cut returns the sample range of u's segment in its recording p.
func (u *Utterance) cut(p *audio.PCM) (start, end int, err error) {
	n, rate := len(p.Samples), float64(p.Rate)
	length := float64(n) / rate
	start = sampleAt(u.Start, rate)
	end = n
	if u.End > 0 {
		end = sampleAt(u.End, rate)
	}
	switch {
	case start >= n:
		return 0, 0, fmt.Errorf("%s: segment %s starts at %.3f s, after the end of the recording (%.3f s)", u.Source(), u.ID, u.Start, length)
	case u.End > 0 && u.End-length >= maxOvershoot:
		return 0, 0, fmt.Errorf("%s: segment %s ends at %.3f s, more than %.1f s after the end of the recording (%.3f s)", u.Source(), u.ID, u.End, maxOvershoot, length)
	}
	end = min(end, n)
	if end <= start {
		return 0, 0, fmt.Errorf("%s: segment %s is empty", u.Source(), u.ID)
	}
	return start, end, nil
}

// sampleAt is the sample at time t: floor(t*rate), as Kaldi, but with
// times within a microsecond below a sample boundary (0.59 s at 16 kHz is
// 9439.9999... in floating point) put on it.
func sampleAt(t, rate float64) int {
	return int(math.Floor(t*rate + 1e-6*rate))
}

// decode reads and decodes the whole recording.
func (u *Utterance) decode() (*audio.PCM, error) {
	o := audio.DefaultDecodeOptions()
	if u.Channel > 0 {
		o.Channel = u.Channel - 1
	}
	var r io.Reader
	if u.Command != "" {
		b, err := runCommand(u.Command)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	} else {
		f, err := os.Open(u.Path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	p, err := audio.DecodeWithOptions(r, o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u.Source(), err)
	}
	if p.Truncated != nil {
		// The transcript is of the whole recording: a cut file would train
		// or score the wrong words, so it is an error here.
		return nil, fmt.Errorf("%s: %w", u.Source(), p.Truncated)
	}
	if p.Rate <= 0 {
		return nil, fmt.Errorf("%s: sample rate %d", u.Source(), p.Rate)
	}
	return p, nil
}

// runCommand runs cmd with "sh -c" and returns its standard output; a
// failure names the command and the last line of its standard error.
func runCommand(cmd string) ([]byte, error) {
	var stderr bytes.Buffer
	c := exec.Command("sh", "-c", cmd)
	c.Stderr = &stderr
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("command %q: %w", cmd, err)
	}
	b, rerr := io.ReadAll(io.LimitReader(out, maxCommandBytes+1))
	if len(b) > maxCommandBytes {
		c.Process.Kill()
		c.Wait()
		return nil, fmt.Errorf("command %q: more than %d bytes of output", cmd, int64(maxCommandBytes))
	}
	err = c.Wait()
	if err == nil {
		err = rerr
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg != "" {
			return nil, fmt.Errorf("command %q failed: %v: %s", cmd, err, msg)
		}
		return nil, fmt.Errorf("command %q failed: %v", cmd, err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("command %q wrote no audio", cmd)
	}
	return b, nil
}

// Duration returns u's length in seconds. A whole file's length comes from
// its header; a segment's is End-Start, checked and truncated by Load's rules
// against the recording's length when the header gives one (WAV, FLAC). An
// MP3, a command's output, or a file whose header does not say is decoded;
// decoded file lengths are remembered by path, size and time of change, so a
// file listed many times is decoded once.
func (u *Utterance) Duration() (float64, error) {
	var rec float64 // the recording's length; 0: unknown
	if u.Command == "" {
		var err error
		if rec, err = headerSeconds(u.Path); err != nil {
			return 0, err
		}
		if rec == 0 {
			rec, _ = lengths.get(u)
		}
	}
	switch {
	case rec > 0 && !u.Segment():
		return rec, nil
	case rec > 0:
		return u.segmentSeconds(rec)
	case u.Segment() && u.End > 0:
		return u.End - u.Start, nil
	case u.Segment():
		p, err := u.Load()
		if err != nil {
			return 0, err
		}
		return p.Duration().Seconds(), nil
	}
	p, err := u.decode()
	if err != nil {
		return 0, err
	}
	sec := p.Duration().Seconds()
	lengths.put(u, sec)
	return sec, nil
}

// segmentSeconds applies Load's rules to a segment of a recording of length
// rec seconds.
func (u *Utterance) segmentSeconds(rec float64) (float64, error) {
	switch {
	case u.Start >= rec:
		return 0, fmt.Errorf("%s: segment %s starts at %.3f s, after the end of the recording (%.3f s)", u.Source(), u.ID, u.Start, rec)
	case u.End > 0 && u.End-rec >= maxOvershoot:
		return 0, fmt.Errorf("%s: segment %s ends at %.3f s, more than %.1f s after the end of the recording (%.3f s)", u.Source(), u.ID, u.End, maxOvershoot, rec)
	case u.End > 0:
		return min(u.End, rec) - u.Start, nil
	}
	return rec - u.Start, nil
}

// headerSeconds is the length a file's header states, 0 when it does not.
func headerSeconds(path string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	c, err := audio.DecodeConfig(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return c.Duration.Seconds(), nil
}

// recordingCache keeps the last few decoded recordings of segments.
type recordingCache struct {
	mu      sync.Mutex
	entries []cachedRecording // most recent first
	samples int
}

type cachedRecording struct {
	key string
	p   *audio.PCM
}

const (
	cacheEntries = 4
	cacheSamples = 16 << 20
)

var recordings recordingCache

func recordingKey(u *Utterance) string {
	return fmt.Sprintf("%d|%s|%s", u.Channel, u.Path, u.Command)
}

func (c *recordingCache) get(u *Utterance) (*audio.PCM, error) {
	key := recordingKey(u)
	c.mu.Lock()
	for i, e := range c.entries {
		if e.key == key {
			copy(c.entries[1:i+1], c.entries[:i])
			c.entries[0] = e
			c.mu.Unlock()
			return e.p, nil
		}
	}
	c.mu.Unlock()
	p, err := u.decode()
	if err != nil || len(p.Samples) > cacheSamples {
		return p, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = append([]cachedRecording{{key, p}}, c.entries...)
	c.samples += len(p.Samples)
	for len(c.entries) > cacheEntries || c.samples > cacheSamples {
		last := c.entries[len(c.entries)-1]
		c.samples -= len(last.p.Samples)
		c.entries = c.entries[:len(c.entries)-1]
	}
	return p, nil
}

// lengthMemo remembers decoded lengths of files whose header does not
// give one.
type lengthMemo struct {
	mu sync.Mutex
	m  map[string]float64
}

var lengths lengthMemo

func lengthKey(u *Utterance) (string, bool) {
	if u.Command != "" {
		return "", false
	}
	st, err := os.Stat(u.Path)
	if err != nil {
		return "", false
	}
	return fmt.Sprintf("%d|%d|%d|%s", u.Channel, st.Size(), st.ModTime().UnixNano(), u.Path), true
}

func (l *lengthMemo) get(u *Utterance) (float64, bool) {
	k, ok := lengthKey(u)
	if !ok {
		return 0, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.m[k]
	return s, ok
}

func (l *lengthMemo) put(u *Utterance, sec float64) {
	k, ok := lengthKey(u)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]float64{}
	}
	l.m[k] = sec
}
