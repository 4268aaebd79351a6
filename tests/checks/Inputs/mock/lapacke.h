/* lapacke.h - mock of LAPACKE (the C interface to LAPACK) for concur's check
 * tests. */
#ifndef CONCUR_MOCK_LAPACKE_H
#define CONCUR_MOCK_LAPACKE_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

typedef int lapack_int;
#define LAPACK_ROW_MAJOR 101
#define LAPACK_COL_MAJOR 102

lapack_int LAPACKE_dgesv(int layout, lapack_int n, lapack_int nrhs, double *a,
                         lapack_int lda, lapack_int *ipiv, double *b,
                         lapack_int ldb);
lapack_int LAPACKE_dgetrf(int layout, lapack_int m, lapack_int n, double *a,
                          lapack_int lda, lapack_int *ipiv);
lapack_int LAPACKE_dgetri(int layout, lapack_int n, double *a, lapack_int lda,
                          const lapack_int *ipiv);
lapack_int LAPACKE_dpotrf(int layout, char uplo, lapack_int n, double *a,
                          lapack_int lda);
lapack_int LAPACKE_dgeqrf(int layout, lapack_int m, lapack_int n, double *a,
                          lapack_int lda, double *tau);
lapack_int LAPACKE_dgesvd(int layout, char jobu, char jobvt, lapack_int m,
                          lapack_int n, double *a, lapack_int lda, double *s,
                          double *u, lapack_int ldu, double *vt,
                          lapack_int ldvt, double *superb);
lapack_int LAPACKE_dsyev(int layout, char jobz, char uplo, lapack_int n,
                         double *a, lapack_int lda, double *w);

/* The Fortran symbols. */
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda,
            int *ipiv, double *b, const int *ldb, int *info);
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv,
             int *info);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_LAPACKE_H */
