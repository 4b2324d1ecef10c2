package kernel

import (
	"fmt"
	"sync"
)

// Register and cache blocking. MR and NR are fixed by the micro-kernel.
const (
	MR = 6   // rows of A per micro-panel
	NR = 16  // columns of B per micro-panel
	KC = 256 // depth of one packed block
	MC = 96  // rows of A packed at once
	NC = 512 // columns of B packed at once
)

type scratch struct {
	a []float32 // packed A: MC x KC
	b []float32 // packed B: KC x NC
	t [MR * NR]float32
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{a: make([]float32, MC*KC), b: make([]float32, KC*NC)}
}}

func checkGemm(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernel: negative size m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	if m == 0 || n == 0 {
		return
	}
	if ldc < n || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("kernel: C has %d elements with ldc=%d, needs [%d][%d]", len(c), ldc, m, n))
	}
	if k == 0 {
		return
	}
	if lda < ac || len(a) < (ar-1)*lda+ac {
		panic(fmt.Sprintf("kernel: A has %d elements with lda=%d, needs [%d][%d]", len(a), lda, ar, ac))
	}
	if ldb < bc || len(b) < (br-1)*ldb+bc {
		panic(fmt.Sprintf("kernel: B has %d elements with ldb=%d, needs [%d][%d]", len(b), ldb, br, bc))
	}
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C, where op(X) is X or its
// transpose as tA and tB say, op(A) is m x k, op(B) is k x n and C is m x n,
// all row-major with leading dimensions lda, ldb, ldc. Its plain loop is
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			var s float32
//			for p := 0; p < k; p++ {
//				s += A(i,p) * B(p,j)
//			}
//			C[i*ldc+j] = alpha*s + beta*C[i*ldc+j]
//		}
//	}
//
// except that the sum is formed in blocks of KC terms. When beta is 0, C is
// not read (NaN in C does not propagate). It panics if a slice is too short
// for its shape.
func Sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	scaleC(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	s := scratchPool.Get().(*scratch)
	for pc := 0; pc < k; pc += KC {
		kc := min(KC, k-pc)
		for jc := 0; jc < n; jc += NC {
			nc := min(NC, n-jc)
			packB(tB, kc, nc, b, ldb, pc, jc, s.b)
			for ic := 0; ic < m; ic += MC {
				mc := min(MC, m-ic)
				macro(s, tA, mc, nc, kc, alpha, a, lda, ic, pc, s.b, c[ic*ldc+jc:], ldc)
			}
		}
	}
	scratchPool.Put(s)
}

func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// macro multiplies rows [ic, ic+mc) of op(A) (depth block pc) by the packed
// B block pb (kc x nc) and adds alpha times the product into c (mc x nc).
func macro(s *scratch, tA bool, mc, nc, kc int, alpha float32, a []float32, lda, ic, pc int, pb []float32, c []float32, ldc int) {
	np := (nc + NR - 1) / NR
	if mc == 1 && !tA {
		// One row: stream the B panels past the row of A, no packing.
		row := a[ic*lda+pc : ic*lda+pc+kc]
		full := nc / NR
		if full > 0 {
			kern1(kc, row, pb, c, full, alpha)
		}
		if full < np {
			t := s.t[:NR]
			clear(t)
			kern1(kc, row, pb[full*NR*kc:], t, 1, alpha)
			cr := c[full*NR : nc]
			for j := range cr {
				cr[j] += t[j]
			}
		}
		return
	}
	packA(tA, mc, kc, a, lda, ic, pc, s.a)
	for ir := 0; ir < mc; ir += MR {
		mr := min(MR, mc-ir)
		pa := s.a[ir*kc:]
		for jr := 0; jr < np; jr++ {
			nr := min(NR, nc-jr*NR)
			pbj := pb[jr*NR*kc:]
			if mr == MR && nr == NR {
				kern6(kc, pa, pbj, c[ir*ldc+jr*NR:], ldc, alpha)
				continue
			}
			t := s.t[:]
			clear(t)
			kern6(kc, pa, pbj, t, NR, alpha)
			for i := 0; i < mr; i++ {
				cr := c[(ir+i)*ldc+jr*NR : (ir+i)*ldc+jr*NR+nr]
				tr := t[i*NR : i*NR+nr]
				for j := range cr {
					cr[j] += tr[j]
				}
			}
		}
	}
}

// packA packs rows [ic, ic+mc) and depth [pc, pc+kc) of op(A) into panels of
// MR rows: panel r holds element (i, p) at r*MR*kc + p*MR + i, zero padded.
func packA(tA bool, mc, kc int, a []float32, lda, ic, pc int, dst []float32) {
	if tA {
		packAT(mc, kc, a, lda, ic, pc, dst)
		return
	}
	for ir := 0; ir < mc; ir += MR {
		mr := min(MR, mc-ir)
		d := dst[ir*kc : ir*kc+MR*kc]
		if mr == MR {
			r0 := a[(ic+ir)*lda+pc:]
			r1 := a[(ic+ir+1)*lda+pc:]
			r2 := a[(ic+ir+2)*lda+pc:]
			r3 := a[(ic+ir+3)*lda+pc:]
			r4 := a[(ic+ir+4)*lda+pc:]
			r5 := a[(ic+ir+5)*lda+pc:]
			r0, r1, r2, r3, r4, r5 = r0[:kc], r1[:kc], r2[:kc], r3[:kc], r4[:kc], r5[:kc]
			for p := 0; p < kc; p++ {
				q := d[p*MR : p*MR+MR : p*MR+MR]
				q[0], q[1], q[2], q[3], q[4], q[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
			}
			continue
		}
		clear(d)
		for i := 0; i < mr; i++ {
			r := a[(ic+ir+i)*lda+pc : (ic+ir+i)*lda+pc+kc]
			for p, v := range r {
				d[p*MR+i] = v
			}
		}
	}
}

// packAT is packA for op(A) = Aᵀ, where element (i, p) is A[p][i]. It reads
// each of the kc rows of A once, mc contiguous elements, and scatters them
// over the panels: reading six elements per row per panel instead would
// touch a new row (a new page, when A is wide) for every six elements.
func packAT(mc, kc int, a []float32, lda, ic, pc int, dst []float32) {
	full := mc / MR * MR
	if full < mc {
		clear(dst[full*kc : full*kc+MR*kc])
	}
	for p := 0; p < kc; p++ {
		row := a[(pc+p)*lda+ic : (pc+p)*lda+ic+mc]
		for ir := 0; ir < full; ir += MR {
			r := row[ir : ir+MR : ir+MR]
			q := dst[ir*kc+p*MR : ir*kc+p*MR+MR : ir*kc+p*MR+MR]
			q[0], q[1], q[2], q[3], q[4], q[5] = r[0], r[1], r[2], r[3], r[4], r[5]
		}
		if full < mc {
			copy(dst[full*kc+p*MR:full*kc+p*MR+MR], row[full:])
		}
	}
}

// packB packs depth [pc, pc+kc) and columns [jc, jc+nc) of op(B) into panels
// of NR columns: panel r holds element (p, j) at r*NR*kc + p*NR + j, zero
// padded.
func packB(tB bool, kc, nc int, b []float32, ldb, pc, jc int, dst []float32) {
	for jr := 0; jr < nc; jr += NR {
		nr := min(NR, nc-jr)
		d := dst[jr*kc : jr*kc+NR*kc]
		if !tB {
			for p := 0; p < kc; p++ {
				r := b[(pc+p)*ldb+jc+jr : (pc+p)*ldb+jc+jr+nr]
				q := d[p*NR : p*NR+NR]
				copy(q, r)
				if nr < NR {
					clear(q[nr:])
				}
			}
			continue
		}
		// op(B)(p,j) = B[j][p]
		if nr < NR {
			clear(d)
		}
		for j := 0; j < nr; j++ {
			r := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kc]
			for p, v := range r {
				d[p*NR+j] = v
			}
		}
	}
}

// PackedB is op(B) packed once for many products with different A, such as
// a recurrent weight matrix used at every time step.
type PackedB struct {
	K, N int
	data []float32 // per depth block: ceil(N/NR) panels of NR x kc
}

// PackB packs op(B) (k x n) for use with PackedB.Gemm. It panics if b is too
// short for its shape.
func PackB(tB bool, k, n int, b []float32, ldb int) *PackedB {
	p := &PackedB{}
	p.Repack(tB, k, n, b, ldb)
	return p
}

// Repack packs op(B) into p, reusing its storage when large enough.
func (p *PackedB) Repack(tB bool, k, n int, b []float32, ldb int) {
	checkGemm(false, tB, 1, n, k, make([]float32, k), k, b, ldb, make([]float32, n), n)
	np := (n + NR - 1) / NR
	size := np * NR * k
	if cap(p.data) < size {
		p.data = make([]float32, size)
	}
	p.data = p.data[:size]
	p.K, p.N = k, n
	for pc := 0; pc < k; pc += KC {
		kc := min(KC, k-pc)
		packB(tB, kc, n, b, ldb, pc, 0, p.data[pc*np*NR:])
	}
}

// Gemm computes C = alpha*op(A)*B + beta*C with B the packed matrix (K x N)
// and op(A) m x K; see Sgemm for the loop. The result is identical to
// Sgemm's with the same operands.
func (p *PackedB) Gemm(tA bool, m int, alpha float32, a []float32, lda int, beta float32, c []float32, ldc int) {
	k, n := p.K, p.N
	if m == 0 || n == 0 {
		return
	}
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	if k > 0 && (lda < ac || len(a) < (ar-1)*lda+ac) {
		panic(fmt.Sprintf("kernel: A has %d elements with lda=%d, needs [%d][%d]", len(a), lda, ar, ac))
	}
	if ldc < n || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("kernel: C has %d elements with ldc=%d, needs [%d][%d]", len(c), ldc, m, n))
	}
	scaleC(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	np := (n + NR - 1) / NR
	s := scratchPool.Get().(*scratch)
	for pc := 0; pc < k; pc += KC {
		kc := min(KC, k-pc)
		pb := p.data[pc*np*NR:]
		for ic := 0; ic < m; ic += MC {
			mc := min(MC, m-ic)
			macro(s, tA, mc, n, kc, alpha, a, lda, ic, pc, pb, c[ic*ldc:], ldc)
		}
	}
	scratchPool.Put(s)
}
