/* cblas.h - mock of the C interface to BLAS for concur's check tests:
 * level 1, 2 and 3 routines in single and double precision. */
#ifndef CONCUR_MOCK_CBLAS_H
#define CONCUR_MOCK_CBLAS_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

typedef enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 }
    CBLAS_ORDER;
typedef enum CBLAS_TRANSPOSE {
  CblasNoTrans = 111,
  CblasTrans = 112,
  CblasConjTrans = 113
} CBLAS_TRANSPOSE;
typedef enum CBLAS_UPLO { CblasUpper = 121, CblasLower = 122 } CBLAS_UPLO;
typedef enum CBLAS_SIDE { CblasLeft = 141, CblasRight = 142 } CBLAS_SIDE;
typedef enum CBLAS_DIAG { CblasNonUnit = 131, CblasUnit = 132 } CBLAS_DIAG;

/* Level 1 */
double cblas_ddot(const int n, const double *x, const int incx,
                  const double *y, const int incy);
float cblas_sdot(const int n, const float *x, const int incx, const float *y,
                 const int incy);
void cblas_daxpy(const int n, const double alpha, const double *x,
                 const int incx, double *y, const int incy);
void cblas_saxpy(const int n, const float alpha, const float *x,
                 const int incx, float *y, const int incy);
void cblas_dscal(const int n, const double alpha, double *x, const int incx);
double cblas_dnrm2(const int n, const double *x, const int incx);

/* Level 2 */
void cblas_dgemv(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE trans,
                 const int m, const int n, const double alpha, const double *a,
                 const int lda, const double *x, const int incx,
                 const double beta, double *y, const int incy);
void cblas_sgemv(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE trans,
                 const int m, const int n, const float alpha, const float *a,
                 const int lda, const float *x, const int incx,
                 const float beta, float *y, const int incy);

/* Level 3 */
void cblas_dgemm(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE ta,
                 const enum CBLAS_TRANSPOSE tb, const int m, const int n,
                 const int k, const double alpha, const double *a,
                 const int lda, const double *b, const int ldb,
                 const double beta, double *c, const int ldc);
void cblas_sgemm(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE ta,
                 const enum CBLAS_TRANSPOSE tb, const int m, const int n,
                 const int k, const float alpha, const float *a, const int lda,
                 const float *b, const int ldb, const float beta, float *c,
                 const int ldc);
void cblas_dtrsm(const enum CBLAS_ORDER order, const enum CBLAS_SIDE side,
                 const enum CBLAS_UPLO uplo, const enum CBLAS_TRANSPOSE trans,
                 const enum CBLAS_DIAG diag, const int m, const int n,
                 const double alpha, const double *a, const int lda, double *b,
                 const int ldb);

/* The Fortran symbols, as some code calls them directly. */
void dgemm_(const char *ta, const char *tb, const int *m, const int *n,
            const int *k, const double *alpha, const double *a, const int *lda,
            const double *b, const int *ldb, const double *beta, double *c,
            const int *ldc);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_CBLAS_H */
