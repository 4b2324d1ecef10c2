package server

import (
	"sync/atomic"
	"time"

	"github.com/ecoute/ecoute/asr"
)

// Defaults of StreamConfig.
const (
	// DefaultMaxStreams is the default number of concurrent /v1/stream
	// connections per CPU: a real-time stream costs 3-5% of one core, and
	// on 2 cores shared with other jobs 16 streams kept words in partials
	// 0.59 s after their end (median), 24 streams 0.91 s, 32 fell behind
	// (scripts/bench/stream -load).
	DefaultMaxStreams = 8
	// DefaultMaxStreamDuration is the longest stream accepted by default.
	DefaultMaxStreamDuration = time.Hour
	// DefaultStreamIdle is how long a stream may send nothing.
	DefaultStreamIdle = 30 * time.Second
)

// StreamConfig configures the WebSocket route /v1/stream. Zero fields mean
// the defaults.
type StreamConfig struct {
	// MaxStreams is the number of concurrent streams; one more is closed
	// with status 1013 (try again later). 0 means DefaultMaxStreams per
	// CPU; negative means no limit.
	MaxStreams int
	// MaxDuration is the most audio one stream may send; past it the
	// server sends the final result and closes with status 1009.
	MaxDuration time.Duration
	// Idle is how long the server waits for a message before it closes
	// the stream with status 1008.
	Idle time.Duration
	// Options are the asr.StreamOptions of every stream (step and pause).
	Options asr.StreamOptions
}

// streamState is the Handler's count of open streams.
type streamState struct {
	active atomic.Int64
}

// ActiveStreams returns the number of /v1/stream connections being served.
func (h *Handler) ActiveStreams() int { return int(h.streams.active.Load()) }
