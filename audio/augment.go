package audio

// Data augmentation for training speech recognizers: speed perturbation,
// additive noise (synthetic colours, mains hum, babble), synthetic room
// reverberation, telephone band-limiting and gain. Every random choice comes
// from the *rand.Rand the caller passes, so a seed fixes the result.
//
// Sources: Ko et al. 2015, "Audio augmentation for speech recognition" (speed
// perturbation 0.9-1.1, as sox "speed"); Kim et al. 2017 and Ko et al. 2017
// (simulated reverberation); Robert Bristow-Johnson's "Audio EQ Cookbook"
// (biquad filters); Paul Kellet's economy pink-noise filter.

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
)

// SpeedPerturb returns x played factor times faster, changing tempo and pitch
// together like sox's "speed" effect: the result has about len(x)/factor
// samples at the same rate. It uses windowed-sinc interpolation with the
// cut-off lowered to 0.5/factor of the sample rate when speeding up, so no
// aliasing is added. factor 1 returns a copy. It panics if factor <= 0.
func SpeedPerturb(x []float32, factor float64) []float32 {
	if factor <= 0 || math.IsNaN(factor) || math.IsInf(factor, 0) {
		panic("audio: SpeedPerturb factor must be positive and finite")
	}
	if factor == 1 || len(x) == 0 {
		return append([]float32(nil), x...)
	}
	n := int(float64(len(x)) / factor)
	out := make([]float32, n)
	const half = 8 // taps on each side at the input rate
	cut := 1.0
	if factor > 1 {
		cut = 1 / factor
	}
	width := float64(half) / cut // support in input samples
	for i := range out {
		pos := float64(i) * factor
		lo := int(math.Floor(pos - width))
		hi := int(math.Ceil(pos + width))
		if lo < 0 {
			lo = 0
		}
		if hi > len(x)-1 {
			hi = len(x) - 1
		}
		var acc, wsum float64
		for j := lo; j <= hi; j++ {
			d := pos - float64(j)
			if math.Abs(d) >= width {
				continue
			}
			// Hann-windowed sinc with cut-off cut (in units of the input Nyquist).
			w := 0.5 + 0.5*math.Cos(math.Pi*d/width)
			s := cut
			if d != 0 {
				s = math.Sin(math.Pi*cut*d) / (math.Pi * d)
			}
			acc += float64(x[j]) * s * w
			wsum += s * w
		}
		if wsum != 0 {
			acc /= wsum
		}
		out[i] = float32(acc)
	}
	return out
}

// NoiseColor names the spectral shape of synthetic noise.
type NoiseColor int

// Noise colours: power falling by 0 (white), 3 (pink) or 6 (brown) dB per
// octave, or rising by 3 dB per octave (blue).
const (
	NoiseWhite NoiseColor = iota
	NoisePink
	NoiseBrown
	NoiseBlue
	numNoiseColors
)

func (c NoiseColor) String() string {
	switch c {
	case NoiseWhite:
		return "white"
	case NoisePink:
		return "pink"
	case NoiseBrown:
		return "brown"
	case NoiseBlue:
		return "blue"
	}
	return "NoiseColor(?)"
}

// ColoredNoise returns n samples of Gaussian noise of the given colour,
// scaled to unit RMS. It panics on an unknown colour.
func ColoredNoise(rng *rand.Rand, n int, c NoiseColor) []float32 {
	out := make([]float32, n)
	switch c {
	case NoiseWhite:
		for i := range out {
			out[i] = float32(rng.NormFloat64())
		}
	case NoisePink:
		// Paul Kellet's refined filter: white noise through a sum of one-pole
		// low-passes approximating -3 dB/octave within 0.05 dB above 9 Hz (44.1k).
		var b0, b1, b2, b3, b4, b5, b6 float64
		for i := range out {
			w := rng.NormFloat64()
			b0 = 0.99886*b0 + w*0.0555179
			b1 = 0.99332*b1 + w*0.0750759
			b2 = 0.96900*b2 + w*0.1538520
			b3 = 0.86650*b3 + w*0.3104856
			b4 = 0.55000*b4 + w*0.5329522
			b5 = -0.7616*b5 - w*0.0168980
			out[i] = float32(b0 + b1 + b2 + b3 + b4 + b5 + b6 + w*0.5362)
			b6 = w * 0.115926
		}
	case NoiseBrown:
		// Leaky integration of white noise (-6 dB/octave above ~8 Hz at 16 kHz).
		var y float64
		for i := range out {
			y = 0.997*y + rng.NormFloat64()
			out[i] = float32(y)
		}
	case NoiseBlue:
		// First difference of pink noise: +3 dB/octave.
		p := ColoredNoise(rng, n+1, NoisePink)
		for i := range out {
			out[i] = p[i+1] - p[i]
		}
	default:
		panic("audio: unknown NoiseColor")
	}
	augNormalizeRMS(out)
	return out
}

// Hum returns n samples of mains hum at rate: a fundamental freq (50 or 60
// Hz) and its first harmonics with falling amplitudes, scaled to unit RMS.
func Hum(n, rate int, freq float64, harmonics int, phase float64) []float32 {
	out := make([]float32, n)
	if harmonics < 1 {
		harmonics = 1
	}
	for i := range out {
		t := float64(i) / float64(rate)
		var v float64
		for h := 1; h <= harmonics; h++ {
			f := freq * float64(h)
			if f >= float64(rate)/2 {
				break
			}
			v += math.Sin(2*math.Pi*f*t+phase*float64(h)) / float64(h)
		}
		out[i] = float32(v)
	}
	augNormalizeRMS(out)
	return out
}

// RMS returns the root mean square of x (0 for an empty slice).
func RMS(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(x)))
}

func augNormalizeRMS(x []float32) {
	r := RMS(x)
	if r == 0 {
		return
	}
	g := float32(1 / r)
	for i := range x {
		x[i] *= g
	}
}

// MixAtSNR adds noise to x in place, scaled so that the ratio of the power of
// x to the power of the added noise is snrDB decibels. Noise shorter than x
// is repeated; longer noise is cut. Silent x or noise leaves x unchanged.
func MixAtSNR(x, noise []float32, snrDB float64) {
	if len(noise) == 0 || len(x) == 0 {
		return
	}
	px := RMS(x)
	var s float64
	for i := range x {
		v := float64(noise[i%len(noise)])
		s += v * v
	}
	pn := math.Sqrt(s / float64(len(x)))
	if px == 0 || pn == 0 {
		return
	}
	g := float32(px / pn / math.Pow(10, snrDB/20))
	for i := range x {
		x[i] += g * noise[i%len(noise)]
	}
}

// ApplyGain multiplies x by db decibels in place and clips to [-1, 1].
func ApplyGain(x []float32, db float64) {
	g := float32(math.Pow(10, db/20))
	for i, v := range x {
		v *= g
		if v > 1 {
			v = 1
		} else if v < -1 {
			v = -1
		}
		x[i] = v
	}
}

// SyntheticRIR returns a room impulse response at rate with reverberation
// time rt60 seconds (the time for the energy to fall by 60 dB): a unit direct
// path, then a few early reflections and a diffuse tail of Gaussian noise
// under an exponential envelope, low-passed a little as real walls absorb
// high frequencies. The tail starts delay seconds after the direct sound.
func SyntheticRIR(rng *rand.Rand, rate int, rt60, delay float64) []float32 {
	if rt60 <= 0 {
		return []float32{1}
	}
	n := int(rt60*float64(rate)) + 1
	h := make([]float32, n)
	h[0] = 1
	d0 := int(delay * float64(rate))
	// Amplitude decays by 60 dB (factor 1000) over rt60 seconds.
	decay := math.Log(1000) / (rt60 * float64(rate))
	// Early reflections: sparse, strong.
	for k := 0; k < 6; k++ {
		i := d0 + rng.IntN(int(0.05*float64(rate))+1)
		if i > 0 && i < n {
			h[i] += float32((rng.Float64()*0.6 + 0.2) * math.Exp(-decay*float64(i)) * augSign(rng))
		}
	}
	// Diffuse tail with a one-pole low-pass.
	var lp float64
	tailGain := 0.5 * math.Sqrt(1/(rt60*float64(rate))) * 20
	for i := d0 + 1; i < n; i++ {
		lp = 0.6*lp + 0.4*rng.NormFloat64()
		h[i] += float32(lp * tailGain * math.Exp(-decay*float64(i-d0)))
	}
	return h
}

func augSign(rng *rand.Rand) float64 {
	if rng.IntN(2) == 0 {
		return -1
	}
	return 1
}

// Convolve returns the first len(x) samples of x convolved with h (the
// causal part heard while x plays), computed with an FFT.
func Convolve(x, h []float32) []float32 {
	out := make([]float32, len(x))
	if len(x) == 0 || len(h) == 0 {
		return out
	}
	if len(h) <= 32 {
		for i := range x {
			var acc float32
			for j := 0; j < len(h) && j <= i; j++ {
				acc += h[j] * x[i-j]
			}
			out[i] = acc
		}
		return out
	}
	n := 1
	for n < len(x)+len(h)-1 {
		n <<= 1
	}
	a := make([]complex128, n)
	b := make([]complex128, n)
	for i, v := range x {
		a[i] = complex(float64(v), 0)
	}
	for i, v := range h {
		b[i] = complex(float64(v), 0)
	}
	augFFT(a, false)
	augFFT(b, false)
	for i := range a {
		a[i] *= b[i]
	}
	augFFT(a, true)
	for i := range out {
		out[i] = float32(real(a[i]) / float64(n))
	}
	return out
}

// augFFT is an in-place iterative radix-2 FFT; len(a) must be a power of two.
// The inverse is unscaled.
func augFFT(a []complex128, inverse bool) {
	n := len(a)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			a[i], a[j] = a[j], a[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		ang := -2 * math.Pi / float64(size)
		if inverse {
			ang = -ang
		}
		wn := cmplx.Rect(1, ang)
		for start := 0; start < n; start += size {
			w := complex(1, 0)
			for k := 0; k < size/2; k++ {
				u := a[start+k]
				v := a[start+k+size/2] * w
				a[start+k] = u + v
				a[start+k+size/2] = u - v
				w *= wn
			}
		}
	}
}

// Reverberate convolves x with a synthetic room response (see SyntheticRIR)
// and mixes the reverberant signal with the dry one: wet 1 is fully
// reverberant. The output keeps the RMS of x.
func Reverberate(rng *rand.Rand, x []float32, rate int, rt60, wet float64) []float32 {
	h := SyntheticRIR(rng, rate, rt60, 0.002+rng.Float64()*0.01)
	y := Convolve(x, h)
	rx, ry := RMS(x), RMS(y)
	if ry == 0 {
		return y
	}
	g := rx / ry
	for i := range y {
		y[i] = float32(wet*g*float64(y[i]) + (1-wet)*float64(x[i]))
	}
	r := RMS(y)
	if r > 0 {
		s := float32(rx / r)
		for i := range y {
			y[i] *= s
		}
	}
	return y
}

// Biquad is a second-order IIR section (direct form I) with normalized
// coefficients: y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2.
type Biquad struct {
	B0, B1, B2, A1, A2 float64
	x1, x2, y1, y2     float64
}

// LowPass returns an RBJ cookbook low-pass biquad at cutoff Hz with quality q.
func LowPass(rate int, cutoff, q float64) *Biquad {
	w := 2 * math.Pi * cutoff / float64(rate)
	alpha := math.Sin(w) / (2 * q)
	c := math.Cos(w)
	a0 := 1 + alpha
	return &Biquad{B0: (1 - c) / 2 / a0, B1: (1 - c) / a0, B2: (1 - c) / 2 / a0, A1: -2 * c / a0, A2: (1 - alpha) / a0}
}

// HighPass returns an RBJ cookbook high-pass biquad at cutoff Hz with quality q.
func HighPass(rate int, cutoff, q float64) *Biquad {
	w := 2 * math.Pi * cutoff / float64(rate)
	alpha := math.Sin(w) / (2 * q)
	c := math.Cos(w)
	a0 := 1 + alpha
	return &Biquad{B0: (1 + c) / 2 / a0, B1: -(1 + c) / a0, B2: (1 + c) / 2 / a0, A1: -2 * c / a0, A2: (1 - alpha) / a0}
}

// Filter runs x through the section in place, keeping its state.
func (f *Biquad) Filter(x []float32) {
	for i, v := range x {
		xv := float64(v)
		y := f.B0*xv + f.B1*f.x1 + f.B2*f.x2 - f.A1*f.y1 - f.A2*f.y2
		f.x2, f.x1 = f.x1, xv
		f.y2, f.y1 = f.y1, y
		x[i] = float32(y)
	}
}

// TelephoneBand returns x limited to the telephone band (300-3400 Hz, two
// fourth-order Butterworth-like cascades) and, if muLaw, quantized through
// 8-bit G.711 mu-law, as a narrow-band call would deliver it.
func TelephoneBand(x []float32, rate int, muLaw bool) []float32 {
	y := append([]float32(nil), x...)
	const q1, q2 = 0.5412, 1.3066 // Butterworth 4th order section Qs
	HighPass(rate, 300, q1).Filter(y)
	HighPass(rate, 300, q2).Filter(y)
	if float64(rate)/2 > 3400 {
		LowPass(rate, 3400, q1).Filter(y)
		LowPass(rate, 3400, q2).Filter(y)
	}
	if muLaw {
		const mu = 255
		for i, v := range y {
			f := math.Max(-1, math.Min(1, float64(v)))
			c := math.Copysign(math.Log1p(mu*math.Abs(f))/math.Log1p(mu), f)
			c = math.Round(c*127) / 127
			y[i] = float32(math.Copysign((math.Pow(1+mu, math.Abs(c))-1)/mu, c))
		}
	}
	return y
}

// AugmentOptions sets how often each augmentation is applied and its ranges.
// Probabilities are in [0, 1]; a zero value disables that augmentation.
type AugmentOptions struct {
	SpeedProb float64 `json:"speed_prob"` // speed perturbation
	SpeedMin  float64 `json:"speed_min"`  // factor range, e.g. 0.9-1.1
	SpeedMax  float64 `json:"speed_max"`

	NoiseProb float64 `json:"noise_prob"` // synthetic coloured noise
	SNRMin    float64 `json:"snr_min"`    // dB, for noise, hum and babble
	SNRMax    float64 `json:"snr_max"`

	HumProb float64 `json:"hum_prob"` // 50/60 Hz mains hum

	BabbleProb   float64 `json:"babble_prob"`   // other utterances mixed underneath (needs Babble)
	BabbleVoices int     `json:"babble_voices"` // at most this many voices (at least 1)

	ReverbProb    float64 `json:"reverb_prob"` // synthetic room
	RT60Min       float64 `json:"rt60_min"`    // seconds
	RT60Max       float64 `json:"rt60_max"`
	WetMin        float64 `json:"wet_min"` // dry/wet mix
	WetMax        float64 `json:"wet_max"`
	TelephoneProb float64 `json:"telephone_prob"` // 300-3400 Hz band and mu-law
	GainProb      float64 `json:"gain_prob"`
	GainMinDB     float64 `json:"gain_min_db"` // dB; the result is clipped to [-1, 1]
	GainMax       float64 `json:"gain_max_db"`

	// PadProb adds silence before and after the speech (each side up to
	// PadMax seconds, drawn apart), before the other augmentations so they
	// cover it too: exact zeros a quarter of the time, else white noise at
	// -90 to -50 dBFS. Recordings come with more silence around the words
	// than synthetic speech has. 0: off.
	PadProb float64 `json:"pad_prob,omitzero"`
	PadMax  float64 `json:"pad_max,omitzero"` // seconds per side

	// TrimProb cuts away part of the quiet before and after the speech,
	// first of all: each side loses a fraction, drawn apart in [0, 1], of its
	// quiet (the 10 ms frames more than 35 dB below the loudest one).
	// Recordings start anywhere from no lead-in to a second of it; with
	// PadProb the amount of silence no longer tells real from synthetic
	// speech. 0: off.
	TrimProb float64 `json:"trim_prob,omitzero"`
}

// DefaultAugmentOptions returns the trainer's defaults: speed 0.9-1.1 half of
// the time, noise at 0-30 dB SNR, hum, babble, reverberation, telephone band
// and gain each some of the time.
func DefaultAugmentOptions() AugmentOptions {
	return AugmentOptions{
		SpeedProb: 0.6, SpeedMin: 0.9, SpeedMax: 1.1,
		NoiseProb: 0.4, SNRMin: 0, SNRMax: 30,
		HumProb:    0.05,
		BabbleProb: 0.1, BabbleVoices: 3,
		ReverbProb: 0.25, RT60Min: 0.15, RT60Max: 0.7, WetMin: 0.3, WetMax: 0.9,
		TelephoneProb: 0.08,
		GainProb:      0.5, GainMinDB: -12, GainMax: 6,
	}
}

// An Augmenter applies random augmentations to 16 kHz (or any rate) speech.
// Babble, if set, returns another utterance at the same rate for babble
// noise. An Augmenter holds no state of its own; Apply is safe for concurrent
// use with distinct rngs if Babble is.
type Augmenter struct {
	Options AugmentOptions
	Babble  func(rng *rand.Rand) []float32
}

// Apply returns an augmented copy of x (x is not modified). The order is
// trimming and padding of the silence, speed, reverberation,
// noise/hum/babble, telephone band, gain.
func (a *Augmenter) Apply(rng *rand.Rand, x []float32, rate int) []float32 {
	o := a.Options
	y := append([]float32(nil), x...)
	if len(y) == 0 {
		return y
	}
	if o.TrimProb > 0 && rng.Float64() < o.TrimProb {
		y = trimQuiet(rng, y, rate)
	}
	if o.PadProb > 0 && o.PadMax > 0 && rng.Float64() < o.PadProb {
		y = padSilence(rng, y, rate, o.PadMax)
	}
	if o.SpeedProb > 0 && rng.Float64() < o.SpeedProb {
		y = SpeedPerturb(y, augUniform(rng, o.SpeedMin, o.SpeedMax))
	}
	if o.ReverbProb > 0 && rng.Float64() < o.ReverbProb {
		y = Reverberate(rng, y, rate, augUniform(rng, o.RT60Min, o.RT60Max), augUniform(rng, o.WetMin, o.WetMax))
	}
	if o.NoiseProb > 0 && rng.Float64() < o.NoiseProb {
		c := NoiseColor(rng.IntN(int(numNoiseColors)))
		MixAtSNR(y, ColoredNoise(rng, len(y), c), augUniform(rng, o.SNRMin, o.SNRMax))
	}
	if o.HumProb > 0 && rng.Float64() < o.HumProb {
		f := 50.0
		if rng.IntN(2) == 1 {
			f = 60
		}
		MixAtSNR(y, Hum(len(y), rate, f, 1+rng.IntN(5), rng.Float64()*2*math.Pi), augUniform(rng, math.Max(o.SNRMin, 10), o.SNRMax+10))
	}
	if a.Babble != nil && o.BabbleProb > 0 && rng.Float64() < o.BabbleProb {
		voices := 1
		if o.BabbleVoices > 1 {
			voices = 1 + rng.IntN(o.BabbleVoices)
		}
		mix := make([]float32, len(y))
		for v := 0; v < voices; v++ {
			b := a.Babble(rng)
			if len(b) == 0 {
				continue
			}
			off := rng.IntN(len(b))
			r := RMS(b)
			if r == 0 {
				continue
			}
			g := float32(1 / r)
			for i := range mix {
				mix[i] += g * b[(off+i)%len(b)]
			}
		}
		MixAtSNR(y, mix, augUniform(rng, math.Max(o.SNRMin, 5), o.SNRMax))
	}
	if o.TelephoneProb > 0 && rng.Float64() < o.TelephoneProb {
		y = TelephoneBand(y, rate, rng.IntN(2) == 0)
	}
	if o.GainProb > 0 && rng.Float64() < o.GainProb {
		ApplyGain(y, augUniform(rng, o.GainMinDB, o.GainMax))
	} else {
		ApplyGain(y, 0) // clip only
	}
	return y
}

// padSilence returns x with 0..maxSec seconds of silence before and after
// it (see AugmentOptions.PadProb).
func padSilence(rng *rand.Rand, x []float32, rate int, maxSec float64) []float32 {
	before := int(rng.Float64() * maxSec * float64(rate))
	after := int(rng.Float64() * maxSec * float64(rate))
	y := make([]float32, before+len(x)+after)
	copy(y[before:], x)
	if rng.IntN(4) != 0 {
		sd := math.Pow(10, augUniform(rng, -90, -50)/20)
		for _, r := range [][2]int{{0, before}, {before + len(x), len(y)}} {
			for i := r[0]; i < r[1]; i++ {
				y[i] = float32(sd * rng.NormFloat64())
			}
		}
	}
	return y
}

// trimQuiet returns x less a random part of the quiet at each end (see
// AugmentOptions.TrimProb).
func trimQuiet(rng *rand.Rand, x []float32, rate int) []float32 {
	lead, trail := QuietEnds(x, rate, 35)
	a := int(rng.Float64() * float64(lead))
	b := int(rng.Float64() * float64(trail))
	return x[a : len(x)-b]
}

// QuietEnds returns how many samples of x come before the first and after
// the last 10 ms frame whose energy is within dB of the loudest frame's.
// Silent or shorter-than-a-frame input has no quiet ends (0, 0).
func QuietEnds(x []float32, rate int, dB float64) (lead, trail int) {
	f := max(1, rate/100)
	n := len(x) / f
	e := make([]float64, n)
	loudest := 0.0
	for i := range e {
		for _, v := range x[i*f : (i+1)*f] {
			e[i] += float64(v) * float64(v)
		}
		loudest = max(loudest, e[i])
	}
	if loudest == 0 {
		return 0, 0
	}
	th := loudest * math.Pow(10, -dB/10)
	first, last := 0, n-1
	for e[first] < th {
		first++
	}
	for e[last] < th {
		last--
	}
	return first * f, len(x) - (last+1)*f
}

func augUniform(rng *rand.Rand, lo, hi float64) float64 {
	if hi <= lo {
		return lo
	}
	return lo + rng.Float64()*(hi-lo)
}
