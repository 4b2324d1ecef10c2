//go:build amd64 && !purego

#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

#define ROW(off, acc0, acc1) \
	VBROADCASTSS off(SI), Y14; \
	VFMADD231PS  Y12, Y14, acc0; \
	VFMADD231PS  Y13, Y14, acc1

#define STORE(acc0, acc1) \
	VMULPS  Y15, acc0, acc0; \
	VMULPS  Y15, acc1, acc1; \
	VADDPS  (DX), acc0, acc0; \
	VADDPS  32(DX), acc1, acc1; \
	VMOVUPS acc0, (DX); \
	VMOVUPS acc1, 32(DX); \
	ADDQ    R8, DX

// func kern6x16AVX2(k int, a, b, c *float32, ldc int, alpha float32)
// c[i*ldc+j] += alpha * sum_p a[p*6+i]*b[p*16+j] for i<6, j<16; k >= 1.
TEXT ·kern6x16AVX2(SB), NOSPLIT, $0-44
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

loop6:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	ROW(0, Y0, Y1)
	ROW(4, Y2, Y3)
	ROW(8, Y4, Y5)
	ROW(12, Y6, Y7)
	ROW(16, Y8, Y9)
	ROW(20, Y10, Y11)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop6

	VBROADCASTSS alpha+40(FP), Y15
	STORE(Y0, Y1)
	STORE(Y2, Y3)
	STORE(Y4, Y5)
	STORE(Y6, Y7)
	STORE(Y8, Y9)
	STORE(Y10, Y11)
	VZEROUPPER
	RET

// func kern1x16AVX2(k int, a, b, c *float32, np int, alpha float32)
// For each of np packed panels r (16 columns, k deep, 64*k bytes apart):
// c[r*16+j] += alpha * sum_p a[p]*b[r*16*k + p*16+j]; k >= 1, np >= 1.
// Panels are taken four at a time so that eight accumulators hide the
// FMA latency while the sum for each element stays in k order.
TEXT ·kern1x16AVX2(SB), NOSPLIT, $0-44
	MOVQ k+0(FP), R9
	MOVQ a+8(FP), R10
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ np+32(FP), R11
	XORQ R8, R8           // STORE's row step: unused here
	VBROADCASTSS alpha+40(FP), Y15
	MOVQ R9, R12
	SHLQ $6, R12          // panel stride in bytes: 64*k

quad:
	CMPQ R11, $4
	JLT  single
	LEAQ (DI)(R12*1), R13
	LEAQ (R13)(R12*1), R14
	LEAQ (R14)(R12*1), R15
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ R10, SI
	MOVQ R9, CX
	XORQ AX, AX

loopq:
	VBROADCASTSS (SI), Y14
	VFMADD231PS (DI)(AX*1), Y14, Y0
	VFMADD231PS 32(DI)(AX*1), Y14, Y1
	VFMADD231PS (R13)(AX*1), Y14, Y2
	VFMADD231PS 32(R13)(AX*1), Y14, Y3
	VFMADD231PS (R14)(AX*1), Y14, Y4
	VFMADD231PS 32(R14)(AX*1), Y14, Y5
	VFMADD231PS (R15)(AX*1), Y14, Y6
	VFMADD231PS 32(R15)(AX*1), Y14, Y7
	ADDQ $4, SI
	ADDQ $64, AX
	DECQ CX
	JNZ  loopq

	STORE(Y0, Y1)
	SUBQ R8, DX
	ADDQ $64, DX
	STORE(Y2, Y3)
	SUBQ R8, DX
	ADDQ $64, DX
	STORE(Y4, Y5)
	SUBQ R8, DX
	ADDQ $64, DX
	STORE(Y6, Y7)
	SUBQ R8, DX
	ADDQ $64, DX
	LEAQ (R15)(R12*1), DI
	SUBQ $4, R11
	JMP  quad

single:
	TESTQ R11, R11
	JZ    done1
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ R10, SI
	MOVQ R9, CX
	XORQ AX, AX

loop1:
	VBROADCASTSS (SI), Y14
	VFMADD231PS (DI)(AX*1), Y14, Y0
	VFMADD231PS 32(DI)(AX*1), Y14, Y1
	ADDQ $4, SI
	ADDQ $64, AX
	DECQ CX
	JNZ  loop1

	STORE(Y0, Y1)
	SUBQ R8, DX
	ADDQ $64, DX
	ADDQ R12, DI
	DECQ R11
	JMP  single

done1:
	VZEROUPPER
	RET
