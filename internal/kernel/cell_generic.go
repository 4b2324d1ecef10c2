package kernel

import "math"

// cellChunk is the number of units whose exponentials are formed together.
const cellChunk = 16

// expfs replaces each x[i] by Expf(x[i]), with the same operations in the
// same order (so the same bits), without a call per element: Go inlines
// neither Expf nor Tanhf, and a call costs more than the arithmetic,
// especially under wasm. floor(t) for |t| < 2**31 is formed as a
// truncation corrected by one, as math.Floor would give it.
func expfs(x []float32) {
	for i, v := range x {
		switch {
		case v != v:
		case v > 88:
			v = float32(math.Inf(1))
		case v < -87.33654:
			v = 0
		default:
			t := v*1.44269504088896341 + 0.5
			n := float32(int32(t))
			if n > t {
				n--
			}
			r := v - n*0.693359375
			r -= n * -2.12194440e-4
			p := float32(1.9875691500e-4)
			p = p*r + 1.3981999507e-3
			p = p*r + 8.3334519073e-3
			p = p*r + 4.1665795894e-2
			p = p*r + 1.6666665459e-1
			p = p*r + 5.0000001201e-1
			p = p*r*r + r + 1
			v = p * math.Float32frombits(uint32(int32(n)+127)<<23)
		}
		x[i] = v
	}
}

// tanhFromExp returns Tanhf(x) given e = Expf(2*x).
func tanhFromExp(x, e float32) float32 {
	if x > 9 {
		return 1
	}
	if x < -9 {
		return -1
	}
	return 1 - 2/(e+1)
}

// cellForwardGo is CellForward for units [from, H), computing the same
// values as Sigmoidf and Tanhf element by element.
func cellForwardGo(z, cprev, c, h []float32, from int) {
	H := len(h)
	z = z[:4*H]
	cprev, c = cprev[:H], c[:H]
	zi, zf, zg, zo := z[:H], z[H:2*H], z[2*H:3*H], z[3*H:]
	var buf [5 * cellChunk]float32
	for j0 := from; j0 < H; j0 += cellChunk {
		n := min(cellChunk, H-j0)
		ei, ef, eg, eo, ec := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n], buf[4*n:5*n]
		for q := range ei {
			j := j0 + q
			ei[q], ef[q], eg[q], eo[q] = -zi[j], -zf[j], 2*zg[j], -zo[j]
		}
		expfs(buf[:4*n])
		for q := range ei {
			j := j0 + q
			i := 1 / (1 + ei[q])
			f := 1 / (1 + ef[q])
			g := tanhFromExp(zg[j], eg[q])
			o := 1 / (1 + eo[q])
			zi[j], zf[j], zg[j], zo[j] = i, f, g, o
			cj := f*cprev[j] + i*g
			c[j] = cj
			ec[q] = 2 * cj
		}
		expfs(ec)
		for q, e := range ec {
			j := j0 + q
			h[j] = zo[j] * tanhFromExp(c[j], e)
		}
	}
}

// cellBackwardGo is CellBackward for units [from, H).
func cellBackwardGo(act, c, cprev, dh, dc, dz []float32, from int) {
	H := len(dh)
	act, dz = act[:4*H], dz[:4*H]
	c, cprev, dc = c[:H], cprev[:H], dc[:H]
	var buf [cellChunk]float32
	for j0 := from; j0 < H; j0 += cellChunk {
		n := min(cellChunk, H-j0)
		ec := buf[:n]
		for q := range ec {
			ec[q] = 2 * c[j0+q]
		}
		expfs(ec)
		for q, e := range ec {
			j := j0 + q
			i, f, g, o := act[j], act[H+j], act[2*H+j], act[3*H+j]
			tc := tanhFromExp(c[j], e)
			dhj := dh[j]
			dC := dc[j] + dhj*o*(1-tc*tc)
			dz[j] = dC * g * i * (1 - i)
			dz[H+j] = dC * cprev[j] * f * (1 - f)
			dz[2*H+j] = dC * i * (1 - g*g)
			dz[3*H+j] = dhj * tc * o * (1 - o)
			dc[j] = dC * f
		}
	}
}
