#ifndef EMBEDKIT_LDA_H
#define EMBEDKIT_LDA_H
#include <stdint.h>

/*
 * Runs the E-step on documents first..last−1 of a bag-of-words collection (document d's distinct word ids are
 * ids[start[d]..start[d+1]), counts cts alike) against exp(E[log β]) stored word-major (row w: K floats). `gamma`
 * holds each document's K starting values (document first at 0) and receives the result; `expElogtheta` receives
 * exp(E[log θ]) alike. With `sstats` (V × K, word-major), each document's sufficient statistics are added to it.
 * `work` holds 2K + K × (the longest document's distinct words) doubles. Returns the iterations run in all.
 */
int64_t embedkit_lda_estep(const int32_t *ids, const double *cts, const int32_t *start, int32_t first, int32_t last, const float *expElogbeta, int32_t K,
                           const double *alpha, double *gamma, double *expElogtheta, int32_t iterations, double threshold, double *sstats, double *work);

#endif
