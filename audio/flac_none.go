//go:build noflac

package audio

import "io"

// This build has no FLAC decoder (-tags noflac): the browser module, whose
// page decodes FLAC with the browser's own decoder, leaves out
// github.com/mewkiz/flac and the crypto packages its MD5 check pulls in.

func errNoFLAC() error {
	return formatErr("flac", "FLAC is not decoded by this build (built with -tags noflac)")
}

func flacConfig(io.Reader) (Config, error) { return Config{}, errNoFLAC() }

type flacSource struct {
	rate, channels int
	announced      int64
}

func newFLACSource(io.Reader, int) (*flacSource, error) { return nil, errNoFLAC() }

func (*flacSource) next() ([]float32, error)   { return nil, errNoFLAC() }
func (*flacSource) truncated() *TruncatedError { return nil }
