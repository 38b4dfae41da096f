//go:build amd64 && !purego

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

// func kernel1AVX2(panel []float32, a []float32, k int, c []float32)
//
// c[0:16] += sum over kk < k of a[kk] * panel[kk*16 : kk*16+16]: one activation row, for
// the rows left over after the 4-row tiles. Unrolled by 4 into independent accumulators
// so FMA latency does not serialise the loop.
TEXT ·kernel1AVX2(SB), NOSPLIT, $0-80
	MOVQ panel_base+0(FP), SI
	MOVQ a_base+24(FP), DI
	MOVQ k+48(FP), CX
	MOVQ c_base+56(FP), DX

	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

	MOVQ CX, R8
	ANDQ $-4, R8           // k rounded down to a multiple of 4
	XORQ AX, AX
	CMPQ AX, R8
	JGE tail

loop4:
	VBROADCASTSS (DI)(AX*4), Y8
	VFMADD231PS (SI), Y8, Y0
	VFMADD231PS 32(SI), Y8, Y1
	VBROADCASTSS 4(DI)(AX*4), Y9
	VFMADD231PS 64(SI), Y9, Y2
	VFMADD231PS 96(SI), Y9, Y3
	VBROADCASTSS 8(DI)(AX*4), Y10
	VFMADD231PS 128(SI), Y10, Y4
	VFMADD231PS 160(SI), Y10, Y5
	VBROADCASTSS 12(DI)(AX*4), Y11
	VFMADD231PS 192(SI), Y11, Y6
	VFMADD231PS 224(SI), Y11, Y7
	ADDQ $256, SI
	ADDQ $4, AX
	CMPQ AX, R8
	JLT loop4

tail:
	CMPQ AX, CX
	JGE done1
	VBROADCASTSS (DI)(AX*4), Y8
	VFMADD231PS (SI), Y8, Y0
	VFMADD231PS 32(SI), Y8, Y1
	ADDQ $64, SI
	INCQ AX
	JMP tail

done1:
	VADDPS Y2, Y0, Y0
	VADDPS Y3, Y1, Y1
	VADDPS Y6, Y4, Y4
	VADDPS Y7, Y5, Y5
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VZEROUPPER
	RET

// func dotAVX2(a, b []float32) float32   (len(a) == len(b), a multiple of 8)
TEXT ·dotAVX2(SB), NOSPLIT, $0-52
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), CX
	MOVQ b_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	XORQ AX, AX
	MOVQ CX, R8
	ANDQ $-16, R8
	CMPQ AX, R8
	JGE dtail

dloop:
	VMOVUPS (SI)(AX*4), Y2
	VMOVUPS 32(SI)(AX*4), Y3
	VFMADD231PS (DI)(AX*4), Y2, Y0
	VFMADD231PS 32(DI)(AX*4), Y3, Y1
	ADDQ $16, AX
	CMPQ AX, R8
	JLT dloop

dtail:
	CMPQ AX, CX
	JGE dsum
	VMOVUPS (SI)(AX*4), Y2
	VFMADD231PS (DI)(AX*4), Y2, Y0

dsum:
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func axpyAVX2(y, x []float32, alpha float32)   (len(y) == len(x), a multiple of 8)
TEXT ·axpyAVX2(SB), NOSPLIT, $0-52
	MOVQ y_base+0(FP), DI
	MOVQ y_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	VBROADCASTSS alpha+48(FP), Y0
	XORQ AX, AX

aloop:
	CMPQ AX, CX
	JGE adone
	VMOVUPS (DI)(AX*4), Y1
	VFMADD231PS (SI)(AX*4), Y0, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX
	JMP aloop

adone:
	VZEROUPPER
	RET

// func kernel6AVX2(panel []float32, a []float32, k, lda int, c []float32, ldc int)
//
// kernelAVX2 for 6 rows: twelve YMM accumulators, so each panel row loaded serves twelve
// FMAs instead of eight.
TEXT ·kernel6AVX2(SB), NOSPLIT, $0-96
	MOVQ panel_base+0(FP), SI
	MOVQ a_base+24(FP), DI
	MOVQ k+48(FP), CX
	MOVQ lda+56(FP), R8
	MOVQ c_base+64(FP), DX
	MOVQ ldc+88(FP), BX
	SHLQ $2, BX
	SHLQ $2, R8

	MOVQ DI, R9
	LEAQ (DI)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	LEAQ (R13)(R8*1), AX

	MOVQ DX, DI
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	ADDQ BX, DI
	VMOVUPS (DI), Y2
	VMOVUPS 32(DI), Y3
	ADDQ BX, DI
	VMOVUPS (DI), Y4
	VMOVUPS 32(DI), Y5
	ADDQ BX, DI
	VMOVUPS (DI), Y6
	VMOVUPS 32(DI), Y7
	ADDQ BX, DI
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9
	ADDQ BX, DI
	VMOVUPS (DI), Y10
	VMOVUPS 32(DI), Y11

	XORQ R8, R8
	TESTQ CX, CX
	JLE done6

loop6:
	VMOVUPS (SI), Y12
	VMOVUPS 32(SI), Y13
	VBROADCASTSS (R9)(R8*4), Y14
	VFMADD231PS Y12, Y14, Y0
	VFMADD231PS Y13, Y14, Y1
	VBROADCASTSS (R10)(R8*4), Y15
	VFMADD231PS Y12, Y15, Y2
	VFMADD231PS Y13, Y15, Y3
	VBROADCASTSS (R11)(R8*4), Y14
	VFMADD231PS Y12, Y14, Y4
	VFMADD231PS Y13, Y14, Y5
	VBROADCASTSS (R12)(R8*4), Y15
	VFMADD231PS Y12, Y15, Y6
	VFMADD231PS Y13, Y15, Y7
	VBROADCASTSS (R13)(R8*4), Y14
	VFMADD231PS Y12, Y14, Y8
	VFMADD231PS Y13, Y14, Y9
	VBROADCASTSS (AX)(R8*4), Y15
	VFMADD231PS Y12, Y15, Y10
	VFMADD231PS Y13, Y15, Y11
	ADDQ $64, SI
	INCQ R8
	CMPQ R8, CX
	JLT loop6

done6:
	MOVQ DX, DI
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ BX, DI
	VMOVUPS Y2, (DI)
	VMOVUPS Y3, 32(DI)
	ADDQ BX, DI
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ BX, DI
	VMOVUPS Y6, (DI)
	VMOVUPS Y7, 32(DI)
	ADDQ BX, DI
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 32(DI)
	ADDQ BX, DI
	VMOVUPS Y10, (DI)
	VMOVUPS Y11, 32(DI)
	VZEROUPPER
	RET
