//go:build amd64 && !purego

package kernel

import "unsafe"

// Impl names the micro-kernel in use: "go" or "avx2".
var Impl = "go"

var useAVX2 = hasAVX2FMA()

func init() {
	if useAVX2 {
		Impl = "avx2"
	}
}

//go:noescape
func kern6x16AVX2(k int, a, b, c *float32, ldc int, alpha float32)

//go:noescape
func kern1x16AVX2(k int, a, b, c *float32, np int, alpha float32)

//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

//go:noescape
func xgetbv() (eax, edx uint32)

func hasAVX2FMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state enabled by the OS
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0 // AVX2
}

func kern6(kc int, a, b, c []float32, ldc int, alpha float32) {
	if !useAVX2 || kc == 0 {
		kern6Go(kc, a, b, c, ldc, alpha)
		return
	}
	_ = a[kc*MR-1]
	_ = b[kc*NR-1]
	_ = c[(MR-1)*ldc+NR-1]
	kern6x16AVX2(kc, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc, alpha)
}

func kern1(kc int, a, b, c []float32, np int, alpha float32) {
	if !useAVX2 || kc == 0 || np == 0 {
		kern1Go(kc, a, b, c, np, alpha)
		return
	}
	_ = a[kc-1]
	_ = b[np*NR*kc-1]
	_ = c[np*NR-1]
	kern1x16AVX2(kc, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), np, alpha)
}

// setAsm enables or disables the assembly kernels (tests) and returns the
// previous setting. Enabling has no effect without AVX2 and FMA.
func setAsm(on bool) bool {
	old := useAVX2
	useAVX2 = on && hasAVX2FMA()
	return old
}

func useAsm() bool { return useAVX2 }

//go:noescape
func cellForwardAVX2(z, cprev, c, h *float32, H, n int)

//go:noescape
func expAVX2(x *float32, n int)

// cellForwardAsm runs CellForward on the first H&^7 units with AVX2 and
// returns how many it did (the caller's bounds checks cover the slices).
func cellForwardAsm(z, cprev, c, h []float32) int {
	H := len(h)
	n := H &^ 7
	if !useAVX2 || n == 0 {
		return 0
	}
	cellForwardAVX2(&z[0], &cprev[0], &c[0], &h[0], H, n)
	return n
}

//go:noescape
func cellBackwardAVX2(act, c, cprev, dh, dc *float32, H, n int)

// cellBackwardAsm runs CellBackward on the first H&^7 units with AVX2 when
// dz aliases act, and returns how many it did.
func cellBackwardAsm(act, c, cprev, dh, dc, dz []float32) int {
	H := len(dh)
	n := H &^ 7
	if !useAVX2 || n == 0 || &act[0] != &dz[0] {
		return 0
	}
	cellBackwardAVX2(&act[0], &c[0], &cprev[0], &dh[0], &dc[0], H, n)
	return n
}

//go:noescape
func addMaxAVX2(z, bias *float32, n int) float32

//go:noescape
func expSumAVX2(z *float32, n int, shift float32, st int, acc *[8]float64)

//go:noescape
func scalAVX2(x *float32, n int, a float32)

//go:noescape
func accAVX2(dst, x *float32, n int)
