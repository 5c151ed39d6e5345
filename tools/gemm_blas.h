/* gemm_blas.h - the training tools' GEMM: Darknet's `gemm`/`gemm_cpu` supplied
 * through OpenBLAS.
 *
 * Debian's libdarknet computes GEMM with a scalar loop; its internal calls to
 * the exported gemm/gemm_cpu go through the PLT, so a program linking
 * gemm_blas.c replaces them (2-5x faster training).  Only tools/ link it:
 * safer itself must measure Darknet's own arithmetic. */
#ifndef SAFER_GEMM_BLAS_H
#define SAFER_GEMM_BLAS_H

/* One OpenBLAS thread: the training tools' results must not depend on the
 * machine's core count (summation order), and the machine is shared. */
void gemm_blas_init(void);

void gemm(int TA, int TB, int M, int N, int K, float ALPHA, float *A, int lda,
    float *B, int ldb, float BETA, float *C, int ldc);
void gemm_cpu(int TA, int TB, int M, int N, int K, float ALPHA, float *A, int lda,
    float *B, int ldb, float BETA, float *C, int ldc);

#endif
