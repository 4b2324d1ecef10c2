package features

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/dsp/fourier"
)

// epsilon is Kaldi's floor inside logs: std::numeric_limits<float>::epsilon().
const epsilon = 1.1920928955078125e-07

// framer turns frame i of a signal into its power (or magnitude) spectrum
// and log energy, reusing its buffers.
type framer struct {
	o              FrameOptions
	shift, size    int
	padded         int
	window         []float64
	rfft           *realFFT     // power-of-two lengths
	fft            *fourier.FFT // other lengths
	buf            []float64    // [padded] windowed frame
	coef           []complex128 // [padded/2+1]
	spec           []float64    // [padded/2+1] power spectrum
	rng            *rand.Rand
	rawEnergy      bool
	usePower       bool
	logEnergyFloor float64 // -Inf when there is no floor
}

func newFramer(o FrameOptions, rawEnergy, usePower bool, energyFloor float64) *framer {
	f := &framer{
		o: o, shift: o.WindowShift(), size: o.WindowSize(), padded: o.PaddedWindowSize(),
		rawEnergy: rawEnergy, usePower: usePower, logEnergyFloor: math.Inf(-1),
	}
	if energyFloor > 0 {
		f.logEnergyFloor = math.Log(energyFloor)
	}
	f.window = windowFunction(o.WindowType, f.size, o.BlackmanCoeff)
	if f.padded&(f.padded-1) == 0 {
		f.rfft = newRealFFT(f.padded)
	} else {
		f.fft = fourier.NewFFT(f.padded)
		f.coef = make([]complex128, f.padded/2+1)
	}
	f.buf = make([]float64, f.padded)
	f.spec = make([]float64, f.padded/2+1)
	if o.Dither != 0 {
		f.rng = rand.New(rand.NewPCG(o.DitherSeed, 0x9e3779b97f4a7c15))
	}
	return f
}

// reset restarts the dither sequence, so equal inputs give equal features.
func (f *framer) reset() {
	if f.rng != nil {
		f.rng = rand.New(rand.NewPCG(f.o.DitherSeed, 0x9e3779b97f4a7c15))
	}
}

func windowFunction(kind string, n int, blackman float64) []float64 {
	w := make([]float64, n)
	a := 2 * math.Pi / float64(n-1)
	for i := range w {
		x := float64(i)
		switch kind {
		case "hanning":
			w[i] = 0.5 - 0.5*math.Cos(a*x)
		case "sine":
			w[i] = math.Sin(0.5 * a * x)
		case "hamming":
			w[i] = 0.54 - 0.46*math.Cos(a*x)
		case "povey":
			w[i] = math.Pow(0.5-0.5*math.Cos(a*x), 0.85)
		case "rectangular":
			w[i] = 1
		case "blackman":
			w[i] = blackman - 0.5*math.Cos(a*x) + (0.5-blackman)*math.Cos(2*a*x)
		}
	}
	return w
}

// process extracts frame i of samples (scaled by 32768), computes f.spec and
// returns the frame's log energy. It allocates nothing.
func (f *framer) process(samples []float32, i int) float64 {
	buf := f.buf[:f.size]
	n := len(samples)
	var start int
	if f.o.SnipEdges {
		start = i * f.shift
	} else {
		start = i*f.shift + f.shift/2 - f.size/2
	}
	var sum float64
	if start >= 0 && start+f.size <= n {
		for j, s := range samples[start : start+f.size] {
			v := float64(s) * 32768
			buf[j] = v
			sum += v
		}
	} else {
		// Reflect at the edges as Kaldi's ExtractWaveformRemainder does.
		for j := range buf {
			s := start + j
			for s < 0 || s >= n {
				if s < 0 {
					s = -s - 1
				} else {
					s = 2*n - 1 - s
				}
			}
			v := float64(samples[s]) * 32768
			buf[j] = v
			sum += v
		}
	}
	if f.rng != nil {
		d := f.o.Dither
		sum = 0
		for j := range buf {
			buf[j] += d * f.rng.NormFloat64()
			sum += buf[j]
		}
	}
	var energy float64
	if f.o.RemoveDcOffset {
		mean := sum / float64(len(buf))
		for j, v := range buf {
			v -= mean
			buf[j] = v
			energy += v * v
		}
	} else if f.rawEnergy {
		for _, v := range buf {
			energy += v * v
		}
	}
	var logE float64
	if f.rawEnergy {
		logE = f.logEnergy(energy)
	}
	// Pre-emphasis and window in one backward pass: buf[j-1] is still the
	// pre-emphasis input when buf[j] is computed.
	c := f.o.PreemphCoeff
	w := f.window[:len(buf)]
	for j := len(buf) - 1; j > 0; j-- {
		buf[j] = (buf[j] - c*buf[j-1]) * w[j]
	}
	buf[0] = (buf[0] - c*buf[0]) * w[0]
	clear(f.buf[f.size:])
	if !f.rawEnergy {
		energy = 0
		for _, v := range buf {
			energy += v * v
		}
		logE = f.logEnergy(energy)
	}
	spec := f.spec
	if f.rfft != nil {
		f.rfft.power(spec, f.buf)
	} else {
		f.fft.Coefficients(f.coef, f.buf)
		for k, c := range f.coef {
			re, im := real(c), imag(c)
			spec[k] = re*re + im*im
		}
	}
	if !f.usePower {
		for k, v := range spec {
			spec[k] = math.Sqrt(v)
		}
	}
	return logE
}

// logEnergy is log(max(e, ε)), floored at the energy floor.
func (f *framer) logEnergy(e float64) float64 {
	l := math.Log(math.Max(e, epsilon))
	return math.Max(l, f.logEnergyFloor)
}
