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
func kern6Go(kc int, a, b, c []float32, ldc int, alpha float32) {
	var acc [MR * NR]float32
	a = a[:kc*MR]
	b = b[:kc*NR]
	for p := 0; p < kc; p++ {
		ap := a[p*MR : p*MR+MR : p*MR+MR]
		bp := (*[NR]float32)(b[p*NR : p*NR+NR])
		for i := 0; i < MR; i++ {
			ai := ap[i]
			r := (*[NR]float32)(acc[i*NR : i*NR+NR])
			r[0] += ai * bp[0]
			r[1] += ai * bp[1]
			r[2] += ai * bp[2]
			r[3] += ai * bp[3]
			r[4] += ai * bp[4]
			r[5] += ai * bp[5]
			r[6] += ai * bp[6]
			r[7] += ai * bp[7]
			r[8] += ai * bp[8]
			r[9] += ai * bp[9]
			r[10] += ai * bp[10]
			r[11] += ai * bp[11]
			r[12] += ai * bp[12]
			r[13] += ai * bp[13]
			r[14] += ai * bp[14]
			r[15] += ai * bp[15]
		}
	}
	for i := 0; i < MR; i++ {
		cr := (*[NR]float32)(c[i*ldc : i*ldc+NR])
		r := (*[NR]float32)(acc[i*NR : i*NR+NR])
		for j := range cr {
			cr[j] += alpha * r[j]
		}
	}
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
func kern1Go(kc int, a, b, c []float32, np int, alpha float32) {
	a = a[:kc]
	for r := 0; r < np; r++ {
		var acc [NR]float32
		pb := b[r*NR*kc : (r+1)*NR*kc]
		for p, ap := range a {
			bp := (*[NR]float32)(pb[p*NR : p*NR+NR])
			acc[0] += ap * bp[0]
			acc[1] += ap * bp[1]
			acc[2] += ap * bp[2]
			acc[3] += ap * bp[3]
			acc[4] += ap * bp[4]
			acc[5] += ap * bp[5]
			acc[6] += ap * bp[6]
			acc[7] += ap * bp[7]
			acc[8] += ap * bp[8]
			acc[9] += ap * bp[9]
			acc[10] += ap * bp[10]
			acc[11] += ap * bp[11]
			acc[12] += ap * bp[12]
			acc[13] += ap * bp[13]
			acc[14] += ap * bp[14]
			acc[15] += ap * bp[15]
		}
		cr := (*[NR]float32)(c[r*NR : r*NR+NR])
		for j := range cr {
			cr[j] += alpha * acc[j]
		}
	}
}
