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

/// The vector path the kernels take on this CPU ("avx2" or "sse2"): the statistics' sums are
/// taken in that many lanes, so it belongs in a run's environment.
const char *tracker_kernel_path(void);

/// Threads the element-wise kernels may use (the BLAS thread count; 1 keeps them on the
/// calling thread). Large Adam updates are then split in two halves.
void tracker_kernels_set_threads(int threads);

/// ReLU-family statistics of `rows` x `cols` outputs `y` in one pass: how many are <= 0,
/// their sum, and how many columns are <= 0 in every row (`scratch` holds 3 x `cols` floats;
/// counts are exact below 2^24 rows).
void tracker_relu_statistics(const float *restrict y, long rows, long cols, float *restrict scratch,
                             long *inactive, double *sum, long *dead_columns);

/// dst[i] = (float)src[i] / 255.0f for `n` bytes: the Float32 value of an 8-bit pixel,
/// exactly Swift's `Float(k) / 255` (one IEEE division, correctly rounded).
void tracker_unit_bytes_to_float(const unsigned char *restrict src, float *restrict dst, long n);

/// Element-wise activation passes (vectorised; the same IEEE operations per element as the
/// formulas, NaN gives 0 where `x > 0` is false):
/// y = x > 0 ? x : slope * x; with slope 0 this is ReLU's y = x > 0 ? x : 0.
void tracker_leaky_relu_forward(const float *restrict x, float *restrict y, long n, float slope);
/// d = s > 0 ? g : slope * g, where s is the saved input (or ReLU's output).
void tracker_leaky_relu_backward(const float *restrict s, const float *restrict g, float *restrict d, long n, float slope);
/// Sigmoid's backward from its output y: d = g * y * (1 - y), evaluated left to right.
void tracker_sigmoid_backward(const float *restrict y, const float *restrict g, float *restrict d, long n);
/// Tanh's backward from its output y: d = g * (1 - y * y).
void tracker_tanh_backward(const float *restrict y, const float *restrict g, float *restrict d, long n);

/// Inverted dropout of `n` elements with the xoshiro256** stream `state` (4 words, advanced
/// by one draw per element, as RandomStream.next()): u = (r >> 40) * 2^-24; mask = u < drop ?
/// 0 : keep; y = x * mask. Exactly the draws and values of the Swift loop it replaces.
void tracker_dropout_forward(const float *restrict x, float *restrict y, float *restrict mask, long n,
                             float drop, float keep, unsigned long long *restrict state);
/// d = g * mask.
void tracker_multiply(const float *restrict g, const float *restrict mask, float *restrict d, long n);

/// BatchNorm's passes over a [rows, cols] batch (each column one lane, rows summed in order, so
/// the sums do not depend on the vector width):
/// mean[c] = Σ_r x / rows, variance[c] = Σ_r (x − mean)² / rows (biased).
void tracker_column_mean_variance(const float *restrict x, long rows, long cols, float *restrict mean, float *restrict variance);
/// xhat = (x − mean) · inv; y = gamma · xhat + beta.
void tracker_batchnorm_normalize(const float *restrict x, long rows, long cols, const float *restrict mean, const float *restrict inv,
                                 const float *restrict gamma, const float *restrict beta, float *restrict xhat, float *restrict y);
/// dbeta[c] = Σ_r g, dgamma[c] = Σ_r g · xhat.
void tracker_batchnorm_parameter_gradients(const float *restrict g, const float *restrict xhat, long rows, long cols,
                                           float *restrict dgamma, float *restrict dbeta);
/// Training: d = k · (n · g − dbeta − xhat · dgamma); otherwise d = k · n · g.
void tracker_batchnorm_input_gradient(const float *restrict g, const float *restrict xhat, long rows, long cols, const float *restrict k,
                                      const float *restrict dbeta, const float *restrict dgamma, float n, int training, float *restrict d);

/// SHA-256 compression of `blocks` 64-byte blocks into `state` (8 words, FIPS 180-4 order)
/// with the x86 SHA extensions. Returns 1 when done, 0 (state untouched) when the CPU lacks
/// them, and the caller hashes the blocks itself.
int tracker_sha256_blocks(unsigned int state[8], const unsigned char *data, long blocks);
/// 1 when `tracker_sha256_blocks` runs on this CPU.
int tracker_sha256_accelerated(void);

#endif
