//go:build amd64 && !purego

#include "textflag.h"

#define C8(name, bits) \
	DATA name<>+0(SB)/4, $bits; DATA name<>+4(SB)/4, $bits; \
	DATA name<>+8(SB)/4, $bits; DATA name<>+12(SB)/4, $bits; \
	DATA name<>+16(SB)/4, $bits; DATA name<>+20(SB)/4, $bits; \
	DATA name<>+24(SB)/4, $bits; DATA name<>+28(SB)/4, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

C8(exphi, 0x42b00000)   // 88.0
C8(explo, 0xc2aeac4f)   // -87.33654
C8(log2e, 0x3fb8aa3b)   // 1.44269504
C8(half, 0x3f000000)    // 0.5
C8(one, 0x3f800000)     // 1.0
C8(two, 0x40000000)     // 2.0
C8(ln2hi, 0x3f318000)   // 0.693359375
C8(ln2lo, 0xb95e8083)   // -2.12194440e-4
C8(p0, 0x39506967)      // 1.9875691500e-4
C8(p1, 0x3ab743ce)      // 1.3981999507e-3
C8(p2, 0x3c088908)      // 8.3334519073e-3
C8(p3, 0x3d2aa9c1)      // 4.1665795894e-2
C8(p4, 0x3e2aaaaa)      // 1.6666665459e-1
C8(p5, 0x3f000000)      // 5.0000001201e-1
C8(i127, 0x0000007f)
C8(neginf, 0xff800000) // -Inf

// EXP sets X = exp(X) lane-wise as Expf does (Cephes expf); NaN stays NaN.
// Clobbers T1, T2, T3.
#define EXP(X, T1, T2, T3) \
	VMOVUPS      exphi<>(SB), T1; \
	VMINPS       X, T1, X; \
	VMOVUPS      explo<>(SB), T1; \
	VMAXPS       X, T1, X; \
	VMOVUPS      log2e<>(SB), T1; \
	VFMADD213PS  half<>(SB), X, T1; \
	VROUNDPS     $1, T1, T1; \
	VFNMADD231PS ln2hi<>(SB), T1, X; \
	VFNMADD231PS ln2lo<>(SB), T1, X; \
	VMOVUPS      p0<>(SB), T2; \
	VFMADD213PS  p1<>(SB), X, T2; \
	VFMADD213PS  p2<>(SB), X, T2; \
	VFMADD213PS  p3<>(SB), X, T2; \
	VFMADD213PS  p4<>(SB), X, T2; \
	VFMADD213PS  p5<>(SB), X, T2; \
	VMULPS       X, X, T3; \
	VFMADD213PS  X, T3, T2; \
	VADDPS       one<>(SB), T2, T2; \
	VCVTTPS2DQ   T1, T1; \
	VPADDD       i127<>(SB), T1, T1; \
	VPSLLD       $23, T1, T1; \
	VMULPS       T1, T2, X

// SIGMOID sets X = 1/(1+exp(-X)).
#define SIGMOID(X, T1, T2, T3) \
	VXORPS  T1, T1, T1; \
	VSUBPS  X, T1, X; \
	EXP(X, T1, T2, T3); \
	VMOVUPS one<>(SB), T1; \
	VADDPS  T1, X, X; \
	VDIVPS  X, T1, X

// TANH sets X = 1 - 2/(exp(2X)+1).
#define TANH(X, T1, T2, T3) \
	VADDPS  X, X, X; \
	EXP(X, T1, T2, T3); \
	VMOVUPS one<>(SB), T1; \
	VADDPS  T1, X, X; \
	VMOVUPS two<>(SB), T2; \
	VDIVPS  X, T2, X; \
	VSUBPS  X, T1, X

// func expAVX2(x *float32, n int)
// x[j] = Expf(x[j]) for j < n; n a multiple of 8.
TEXT ·expAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	SHRQ $3, CX
	JZ   expdone
exploop:
	VMOVUPS (SI), Y0
	EXP(Y0, Y1, Y2, Y3)
	VMOVUPS Y0, (SI)
	ADDQ $32, SI
	DECQ CX
	JNZ  exploop
expdone:
	VZEROUPPER
	RET

// func cellForwardAVX2(z, cprev, c, h *float32, H, n int)
// CellForward on lanes [0, n) of a cell of H units; n a multiple of 8.
TEXT ·cellForwardAVX2(SB), NOSPLIT, $0-48
	MOVQ z+0(FP), SI
	MOVQ cprev+8(FP), R8
	MOVQ c+16(FP), R9
	MOVQ h+24(FP), R10
	MOVQ H+32(FP), DX
	SHLQ $2, DX                 // H in bytes
	MOVQ n+40(FP), CX
	SHRQ $3, CX
	JZ   cfdone
	LEAQ (SI)(DX*1), R11        // forget block
	LEAQ (R11)(DX*1), R12       // cell block
	LEAQ (R12)(DX*1), R13       // out block
	XORQ AX, AX
cfloop:
	VMOVUPS (SI)(AX*1), Y0
	SIGMOID(Y0, Y8, Y9, Y10)
	VMOVUPS Y0, (SI)(AX*1)
	VMOVUPS (R11)(AX*1), Y1
	SIGMOID(Y1, Y8, Y9, Y10)
	VMOVUPS Y1, (R11)(AX*1)
	VMOVUPS (R12)(AX*1), Y2
	TANH(Y2, Y8, Y9, Y10)
	VMOVUPS Y2, (R12)(AX*1)
	VMOVUPS (R13)(AX*1), Y3
	SIGMOID(Y3, Y8, Y9, Y10)
	VMOVUPS Y3, (R13)(AX*1)
	// c = f*cprev + i*g
	VMULPS  Y0, Y2, Y4
	VMOVUPS (R8)(AX*1), Y5
	VFMADD231PS Y5, Y1, Y4
	VMOVUPS Y4, (R9)(AX*1)
	// h = o*tanh(c)
	TANH(Y4, Y8, Y9, Y10)
	VMULPS  Y4, Y3, Y4
	VMOVUPS Y4, (R10)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  cfloop
cfdone:
	VZEROUPPER
	RET

// func cellBackwardAVX2(act, c, cprev, dh, dc *float32, H, n int)
// CellBackward with dz == act on lanes [0, n); n a multiple of 8.
TEXT ·cellBackwardAVX2(SB), NOSPLIT, $0-56
	MOVQ act+0(FP), SI
	MOVQ c+8(FP), R8
	MOVQ cprev+16(FP), R9
	MOVQ dh+24(FP), R10
	MOVQ dc+32(FP), R11
	MOVQ H+40(FP), DX
	SHLQ $2, DX
	MOVQ n+48(FP), CX
	SHRQ $3, CX
	JZ   cbdone
	LEAQ (SI)(DX*1), R12        // forget block
	LEAQ (R12)(DX*1), R13       // cell block
	LEAQ (R13)(DX*1), R15       // out block
	XORQ BX, BX
	VMOVUPS one<>(SB), Y11
cbloop:
	VMOVUPS (SI)(BX*1), Y0      // in
	VMOVUPS (R12)(BX*1), Y1     // forget
	VMOVUPS (R13)(BX*1), Y2     // cell
	VMOVUPS (R15)(BX*1), Y3     // out
	VMOVUPS (R8)(BX*1), Y4
	TANH(Y4, Y8, Y9, Y10)       // tc = tanh(c)
	VMOVUPS (R10)(BX*1), Y5     // dh
	VMOVUPS (R11)(BX*1), Y6     // dc
	VMOVAPS Y11, Y12
	VFNMADD231PS Y4, Y4, Y12    // 1 - tc²
	VMULPS  Y3, Y5, Y13         // dh*o
	VFMADD231PS Y12, Y13, Y6    // dC = dc + dh*o*(1-tc²)
	VMULPS  Y4, Y13, Y13        // dh*o*tc
	VSUBPS  Y3, Y11, Y12        // 1-o
	VMULPS  Y12, Y13, Y13
	VMOVUPS Y13, (R15)(BX*1)    // dz_o
	VSUBPS  Y0, Y11, Y12        // 1-i
	VMULPS  Y0, Y12, Y12
	VMULPS  Y2, Y12, Y12
	VMULPS  Y6, Y12, Y12
	VMOVUPS Y12, (SI)(BX*1)     // dz_i = dC*g*i*(1-i)
	VMOVUPS (R9)(BX*1), Y7      // cprev
	VSUBPS  Y1, Y11, Y12        // 1-f
	VMULPS  Y1, Y12, Y12
	VMULPS  Y7, Y12, Y12
	VMULPS  Y6, Y12, Y12
	VMOVUPS Y12, (R12)(BX*1)    // dz_f = dC*cprev*f*(1-f)
	VMOVAPS Y11, Y12
	VFNMADD231PS Y2, Y2, Y12    // 1-g²
	VMULPS  Y0, Y12, Y12
	VMULPS  Y6, Y12, Y12
	VMOVUPS Y12, (R13)(BX*1)    // dz_g = dC*i*(1-g²)
	VMULPS  Y1, Y6, Y6
	VMOVUPS Y6, (R11)(BX*1)     // dc = dC*f
	ADDQ $32, BX
	DECQ CX
	JNZ  cbloop
cbdone:
	VZEROUPPER
	RET

// func addMaxAVX2(z, bias *float32, n int) float32
// z[j] += bias[j] for j < n (a multiple of 8); returns the maximum, NaN
// skipped (VMAXPS keeps its second source when the first is NaN).
TEXT ·addMaxAVX2(SB), NOSPLIT, $0-28
	MOVQ z+0(FP), SI
	MOVQ bias+8(FP), DI
	MOVQ n+16(FP), CX
	VMOVUPS neginf<>(SB), Y1
	SHRQ $3, CX
	JZ   amdone
amloop:
	VMOVUPS (SI), Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS Y0, (SI)
	VMAXPS  Y1, Y0, Y1
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  amloop
amdone:
	VEXTRACTF128 $1, Y1, X2
	VMAXPS    X2, X1, X1
	VPERMILPS $0x4e, X1, X2
	VMAXPS    X2, X1, X1
	VPERMILPS $0xb1, X1, X2
	VMAXPS    X2, X1, X1
	VMOVSS    X1, ret+24(FP)
	VZEROUPPER
	RET

// func expSumAVX2(z *float32, n int, shift float32, st int, acc *[8]float64)
// acc[j%8] += Expf(z[j]-shift) for j < n (a multiple of 8), with z[j]
// replaced by the term when st != 0.
TEXT ·expSumAVX2(SB), NOSPLIT, $0-40
	MOVQ z+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS shift+16(FP), Y4
	MOVQ st+24(FP), DX
	MOVQ acc+32(FP), DI
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	SHRQ $3, CX
	JZ   esdone
esloop:
	VMOVUPS (SI), Y0
	VSUBPS  Y4, Y0, Y0
	EXP(Y0, Y1, Y2, Y3)
	TESTQ DX, DX
	JZ    esnostore
	VMOVUPS Y0, (SI)
esnostore:
	VCVTPS2PD    X0, Y1
	VADDPD       Y1, Y5, Y5
	VEXTRACTF128 $1, Y0, X2
	VCVTPS2PD    X2, Y2
	VADDPD       Y2, Y6, Y6
	ADDQ $32, SI
	DECQ CX
	JNZ  esloop
esdone:
	VMOVUPD Y5, (DI)
	VMOVUPD Y6, 32(DI)
	VZEROUPPER
	RET

// func scalAVX2(x *float32, n int, a float32)
// x[j] *= a for j < n (a multiple of 8).
TEXT ·scalAVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS a+16(FP), Y1
	SHRQ $3, CX
	JZ   scdone
scloop:
	VMULPS  (SI), Y1, Y0
	VMOVUPS Y0, (SI)
	ADDQ $32, SI
	DECQ CX
	JNZ  scloop
scdone:
	VZEROUPPER
	RET

// func accAVX2(dst, x *float32, n int)
// dst[j] += x[j] for j < n (a multiple of 8).
TEXT ·accAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), SI
	MOVQ x+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ   acdone
acloop:
	VMOVUPS (SI), Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS Y0, (SI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  acloop
acdone:
	VZEROUPPER
	RET
