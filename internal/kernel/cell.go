package kernel

import "math"

// Expf returns e**x in float32 with an error of about 1 ulp: Cephes' expf
// (Moshier, "Methods and Programs for Mathematical Functions", 1989), a
// degree-6 polynomial on [-ln2/2, ln2/2] after range reduction. NaN gives
// NaN; it returns +Inf above 88 and to 0 below -87.3.
func Expf(x float32) float32 {
	if x != x {
		return x
	}
	if x > 88 { // keeps 2**n a normal number; e**88 = 1.65e38
		return float32(math.Inf(1))
	}
	if x < -87.33654 {
		return 0
	}
	n := float32(math.Floor(float64(x*1.44269504088896341 + 0.5)))
	r := x - n*0.693359375
	r -= n * -2.12194440e-4
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// Sigmoidf returns 1/(1+e**-x).
func Sigmoidf(x float32) float32 { return 1 / (1 + Expf(-x)) }

// Tanhf returns tanh(x) as 1 - 2/(e**2x + 1) (absolute error about 1e-7).
func Tanhf(x float32) float32 {
	if x > 9 {
		return 1
	}
	if x < -9 {
		return -1
	}
	return 1 - 2/(Expf(2*x)+1)
}

// CellForward applies the LSTM gate nonlinearities and the cell update of
// PyTorch nn.LSTM for one sequence at one time step, with gates in the order
// in, forget, cell, out:
//
//	z: [4H] pre-activations, replaced by the activations
//	   in = σ(z[0:H]), forget = σ(z[H:2H]), cell = tanh(z[2H:3H]), out = σ(z[3H:4H])
//	c[j] = forget[j]*cprev[j] + in[j]*cell[j]
//	h[j] = out[j]*tanh(c[j])
//
// cprev, c and h have length H; c may alias cprev.
func CellForward(z, cprev, c, h []float32) {
	H := len(h)
	_, _, _ = z[4*H-1], cprev[H-1], c[H-1]
	from := cellForwardAsm(z, cprev, c, h)
	cellForwardGo(z, cprev, c, h, from)
}

// CellBackward is the backward twin of CellForward for one sequence at one
// step. act holds the activations CellForward left in z; c and cprev the new
// and previous cell states; dh the gradient of the loss with respect to h
// (from the output and from the next step); dc on entry the gradient with
// respect to c from the next step, on return the gradient with respect to
// cprev. dz receives the gradient with respect to the pre-activations z and
// may alias act:
//
//	tc = tanh(c)
//	dOut  = dh*tc                      dz_o = dOut*o*(1-o)
//	dC    = dc + dh*o*(1-tc²)
//	dIn   = dC*g                       dz_i = dIn*i*(1-i)
//	dForget = dC*cprev                 dz_f = dForget*f*(1-f)
//	dCell = dC*i                       dz_g = dCell*(1-g²)
//	dc    = dC*f                       (to the previous step)
func CellBackward(act, c, cprev, dh, dc, dz []float32) {
	H := len(dh)
	_, _, _, _, _ = act[4*H-1], dz[4*H-1], c[H-1], cprev[H-1], dc[H-1]
	from := cellBackwardAsm(act, c, cprev, dh, dc, dz)
	cellBackwardGo(act, c, cprev, dh, dc, dz, from)
}
