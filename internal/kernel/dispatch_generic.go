//go:build !amd64 || purego

package kernel

// Impl names the micro-kernel in use: "go" or "avx2".
const Impl = "go"

func kern6(kc int, a, b, c []float32, ldc int, alpha float32) { kern6Go(kc, a, b, c, ldc, alpha) }

func kern1(kc int, a, b, c []float32, np int, alpha float32) { kern1Go(kc, a, b, c, np, alpha) }

func setAsm(on bool) bool { return false }

func useAsm() bool { return false }

func cellForwardAsm(z, cprev, c, h []float32) int { return 0 }

func cellBackwardAsm(act, c, cprev, dh, dc, dz []float32) int { return 0 }

func addMaxAVX2(z, bias *float32, n int) float32                           { panic("unreachable") }
func expSumAVX2(z *float32, n int, shift float32, st int, acc *[8]float64) { panic("unreachable") }
func scalAVX2(x *float32, n int, a float32)                                { panic("unreachable") }
func accAVX2(dst, x *float32, n int)                                       { panic("unreachable") }
