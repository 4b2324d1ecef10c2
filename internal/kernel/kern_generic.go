package kernel

// kern6Go adds alpha times the product of a packed A panel (kc x MR, element
// (i,p) at p*MR+i) and a packed B panel (kc x NR, element (p,j) at p*NR+j) to
// the 6x16 block of c with leading dimension ldc:
//
//	for i := 0; i < MR; i++ {
//		for j := 0; j < NR; j++ {
//			var s float32
//			for p := 0; p < kc; p++ {
//				s += a[p*MR+i] * b[p*NR+j]
//			}
//			c[i*ldc+j] += alpha * s
//		}
//	}
//
// The sum for each element runs over p in ascending order in one float32
// accumulator, as kern1Go's does, so a row of C comes out the same whether
// it was computed here or there. The block is computed as 3x2 tiles of
// accumulators held in local variables (12 values live per step of p, within
// the 15 float registers Go's amd64 and wasm back ends allocate), two steps
// of p per iteration.
func kern6Go(kc int, a, b, c []float32, ldc int, alpha float32) {
	if kc == 0 {
		return
	}
	a = a[:kc*MR]
	b = b[:kc*NR]
	_ = c[(MR-1)*ldc+NR-1]
	for i0 := 0; i0 < MR; i0 += 3 {
		for j0 := 0; j0 < NR; j0 += 2 {
			tile3x2(kc, a[i0:i0+(kc-1)*MR+3], b[j0:j0+(kc-1)*NR+2], c[i0*ldc+j0:], ldc, alpha)
		}
	}
}

// tile3x2 adds alpha times rows 0..2 of a packed A panel (stride MR) times
// columns 0..1 of a packed B panel (stride NR) to c[0:3][0:2].
func tile3x2(kc int, a, b, c []float32, ldc int, alpha float32) {
	var c00, c01, c10, c11, c20, c21 float32
	p := 0
	for ; p+1 < kc; p += 2 {
		ap := a[p*MR : p*MR+MR+3 : p*MR+MR+3]
		bp := b[p*NR : p*NR+NR+2 : p*NR+NR+2]
		a0, a1, a2 := ap[0], ap[1], ap[2]
		b0, b1 := bp[0], bp[1]
		c00 += a0 * b0
		c01 += a0 * b1
		c10 += a1 * b0
		c11 += a1 * b1
		c20 += a2 * b0
		c21 += a2 * b1
		a0, a1, a2 = ap[MR], ap[MR+1], ap[MR+2]
		b0, b1 = bp[NR], bp[NR+1]
		c00 += a0 * b0
		c01 += a0 * b1
		c10 += a1 * b0
		c11 += a1 * b1
		c20 += a2 * b0
		c21 += a2 * b1
	}
	if p < kc {
		ap := a[p*MR : p*MR+3 : p*MR+3]
		bp := b[p*NR : p*NR+2 : p*NR+2]
		a0, a1, a2 := ap[0], ap[1], ap[2]
		b0, b1 := bp[0], bp[1]
		c00 += a0 * b0
		c01 += a0 * b1
		c10 += a1 * b0
		c11 += a1 * b1
		c20 += a2 * b0
		c21 += a2 * b1
	}
	r := c[:2:2]
	r[0] += alpha * c00
	r[1] += alpha * c01
	r = c[ldc : ldc+2 : ldc+2]
	r[0] += alpha * c10
	r[1] += alpha * c11
	r = c[2*ldc : 2*ldc+2 : 2*ldc+2]
	r[0] += alpha * c20
	r[1] += alpha * c21
}

// kern1Go adds alpha times the product of one row a (length kc) and np
// consecutive packed B panels (each kc x NR) to c[0 : np*NR]:
//
//	for j := 0; j < np*NR; j++ {
//		var s float32
//		for p := 0; p < kc; p++ {
//			s += a[p] * b[(j/NR)*NR*kc + p*NR + j%NR]
//		}
//		c[j] += alpha * s
//	}
//
// Each panel is done in three passes over a, of 6, 6 and 4 columns, with
// the accumulators in local variables; the order of each sum is kern6Go's.
func kern1Go(kc int, a, b, c []float32, np int, alpha float32) {
	if kc == 0 {
		return
	}
	a = a[:kc]
	for r := 0; r < np; r++ {
		pb := b[r*NR*kc : (r+1)*NR*kc]
		cr := c[r*NR : r*NR+NR]
		row6(a, pb[0:(kc-1)*NR+6], cr[0:6], alpha)
		row6(a, pb[6:6+(kc-1)*NR+6], cr[6:12], alpha)
		row4(a, pb[12:12+(kc-1)*NR+4], cr[12:16], alpha)
	}
}

// row6 adds alpha times a (length kc) times columns 0..5 of a packed B
// panel (stride NR) to c[0:6].
func row6(a, b, c []float32, alpha float32) {
	var c0, c1, c2, c3, c4, c5 float32
	kc := len(a)
	p := 0
	for ; p+1 < kc; p += 2 {
		ap := a[p : p+2 : p+2]
		bp := b[p*NR : p*NR+NR+6 : p*NR+NR+6]
		x := ap[0]
		c0 += x * bp[0]
		c1 += x * bp[1]
		c2 += x * bp[2]
		c3 += x * bp[3]
		c4 += x * bp[4]
		c5 += x * bp[5]
		x = ap[1]
		c0 += x * bp[NR+0]
		c1 += x * bp[NR+1]
		c2 += x * bp[NR+2]
		c3 += x * bp[NR+3]
		c4 += x * bp[NR+4]
		c5 += x * bp[NR+5]
	}
	if p < kc {
		x := a[p]
		bp := b[p*NR : p*NR+6 : p*NR+6]
		c0 += x * bp[0]
		c1 += x * bp[1]
		c2 += x * bp[2]
		c3 += x * bp[3]
		c4 += x * bp[4]
		c5 += x * bp[5]
	}
	c = c[:6:6]
	c[0] += alpha * c0
	c[1] += alpha * c1
	c[2] += alpha * c2
	c[3] += alpha * c3
	c[4] += alpha * c4
	c[5] += alpha * c5
}

// row4 is row6 for 4 columns.
func row4(a, b, c []float32, alpha float32) {
	var c0, c1, c2, c3 float32
	kc := len(a)
	p := 0
	for ; p+1 < kc; p += 2 {
		ap := a[p : p+2 : p+2]
		bp := b[p*NR : p*NR+NR+4 : p*NR+NR+4]
		x := ap[0]
		c0 += x * bp[0]
		c1 += x * bp[1]
		c2 += x * bp[2]
		c3 += x * bp[3]
		x = ap[1]
		c0 += x * bp[NR+0]
		c1 += x * bp[NR+1]
		c2 += x * bp[NR+2]
		c3 += x * bp[NR+3]
	}
	if p < kc {
		x := a[p]
		bp := b[p*NR : p*NR+4 : p*NR+4]
		c0 += x * bp[0]
		c1 += x * bp[1]
		c2 += x * bp[2]
		c3 += x * bp[3]
	}
	c = c[:4:4]
	c[0] += alpha * c0
	c[1] += alpha * c1
	c[2] += alpha * c2
	c[3] += alpha * c3
}
