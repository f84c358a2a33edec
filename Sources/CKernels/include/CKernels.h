#ifndef TRACKER_CKERNELS_H
#define TRACKER_CKERNELS_H

/// Element-wise kernels that Swift does not vectorise: its SIMD `squareRoot()` becomes one
/// `sqrtf` call per lane (with an errno check), which made the Adam update 3x slower than
/// the memory traffic allows. Compiled with -O3, -fno-math-errno and -ffp-contract=off:
/// every element sees exactly the IEEE operations the formulas name (no fused multiply-add),
/// so updated weights do not depend on the vector width. Statistics are summed in 4 or 8
/// lanes (SSE or AVX2), so their last bits may differ between machines.

/// Adam/AdamW coefficients of one step (see Adam.swift).
typedef struct {
    float b1, c1, b2, c2, step_size, inverse_sqrt_correction2, epsilon, coupled_decay, shrink;
} tracker_adam_coefficients;

/// What the statistics need, gathered during the update pass.
typedef struct {
    double gradient_sum, gradient_squares;
    float gradient_max_abs;
    long gradient_zeros;
    /// Of the weights after the update.
    double weight_squares;
    long weight_small;
    /// ||w_new - w_old||^2.
    double update_squares;
} tracker_step_moments;

/// One Adam update of `n` elements. When `moments` is not NULL, also fills it (gradient
/// moments, weight squares and |w| < `small` count after the update, squared update norm).
void tracker_adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                         const tracker_adam_coefficients *k, float small, tracker_step_moments *moments);

/// Threads the element-wise kernels may use (the BLAS thread count; 1 keeps them on the
/// calling thread). Large Adam updates are then split in two halves.
void tracker_kernels_set_threads(int threads);

/// ReLU-family statistics of `rows` x `cols` outputs `y` in one pass: how many are <= 0,
/// their sum, and how many columns are <= 0 in every row (`scratch` holds 3 x `cols` floats;
/// counts are exact below 2^24 rows).
void tracker_relu_statistics(const float *restrict y, long rows, long cols, float *restrict scratch,
                             long *inactive, double *sum, long *dead_columns);

#endif
