// Package kernel holds ecoute's numeric hot loops: single-precision matrix
// products (GEMM), the fused LSTM gate nonlinearities and the row primitives
// of a softmax over a large vocabulary.
//
// Each kernel's doc comment gives its plain loop. The pure-Go version is
// always built; on amd64 with AVX2 and FMA an assembly micro-kernel takes its
// place behind the same signature (kernel_amd64.s). The build tag purego
// forces the generic path, and wasm always uses it. Tests cross-check both
// paths at sizes around the register-block widths, as hash/crc32 does.
//
// The GEMM follows the structure of BLIS (Van Zee & van de Geijn, "BLIS: A
// Framework for Rapidly Instantiating BLAS Functionality", ACM TOMS 2015) and
// of Goto & van de Geijn 2008: operands are packed into panels of MR=6 rows
// of A and NR=16 columns of B, and a register-blocked micro-kernel computes a
// 6x16 block of C as a sequence of rank-1 updates. Each element of C is
// summed in the same order (k ascending, in blocks of KC) whatever the
// position of its row in the block, so splitting a product by rows or
// columns across goroutines never changes a result.
package kernel
