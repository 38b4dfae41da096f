//go:build amd64

#include "textflag.h"

// func kernelAVX2(panel []float32, a []float32, k, lda int, c []float32, ldc int)
//
// c[r][0:16] += sum over kk < k of a[r*lda+kk] * panel[kk*16 : kk*16+16], for r = 0..3.
// Eight YMM accumulators hold the 4×16 tile; each step loads one 16-float panel row and
// broadcasts one value of each activation row. Requires AVX2 and FMA.
TEXT ·kernelAVX2(SB), NOSPLIT, $0-96
	MOVQ panel_base+0(FP), SI
	MOVQ a_base+24(FP), DI
	MOVQ k+48(FP), CX
	MOVQ lda+56(FP), R8
	MOVQ c_base+64(FP), DX
	MOVQ ldc+88(FP), BX
	SHLQ $2, BX            // row stride of c in bytes
	SHLQ $2, R8            // row stride of a in bytes

	MOVQ DI, R9            // a row 0
	LEAQ (DI)(R8*1), R10   // a row 1
	LEAQ (R10)(R8*1), R11  // a row 2
	LEAQ (R11)(R8*1), R12  // a row 3

	MOVQ DX, R13           // c row 0
	LEAQ (DX)(BX*1), R14   // c row 1
	LEAQ (R14)(BX*1), AX   // c row 2
	LEAQ (AX)(BX*1), DX    // c row 3

	VMOVUPS (R13), Y0
	VMOVUPS 32(R13), Y1
	VMOVUPS (R14), Y2
	VMOVUPS 32(R14), Y3
	VMOVUPS (AX), Y4
	VMOVUPS 32(AX), Y5
	VMOVUPS (DX), Y6
	VMOVUPS 32(DX), Y7

	XORQ R8, R8
	TESTQ CX, CX
	JLE done

loop:
	VMOVUPS (SI), Y8
	VMOVUPS 32(SI), Y9
	VBROADCASTSS (R9)(R8*4), Y10
	VFMADD231PS Y8, Y10, Y0
	VFMADD231PS Y9, Y10, Y1
	VBROADCASTSS (R10)(R8*4), Y11
	VFMADD231PS Y8, Y11, Y2
	VFMADD231PS Y9, Y11, Y3
	VBROADCASTSS (R11)(R8*4), Y12
	VFMADD231PS Y8, Y12, Y4
	VFMADD231PS Y9, Y12, Y5
	VBROADCASTSS (R12)(R8*4), Y13
	VFMADD231PS Y8, Y13, Y6
	VFMADD231PS Y9, Y13, Y7
	ADDQ $64, SI
	INCQ R8
	CMPQ R8, CX
	JLT loop

done:
	VMOVUPS Y0, (R13)
	VMOVUPS Y1, 32(R13)
	VMOVUPS Y2, (R14)
	VMOVUPS Y3, 32(R14)
	VMOVUPS Y4, (AX)
	VMOVUPS Y5, 32(AX)
	VMOVUPS Y6, (DX)
	VMOVUPS Y7, 32(DX)
	VZEROUPPER
	RET
