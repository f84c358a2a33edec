#include "CKernels.h"
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>

#pragma clang fp contract(off)

static inline float adam_lane(float *w, float g, float *m, float *v, const tracker_adam_coefficients *k) {
    float grad = k->coupled_decay == 0.0f ? g : g + k->coupled_decay * *w;
    *m = k->b1 * *m + k->c1 * grad;
    *v = k->b2 * *v + k->c2 * (grad * grad);
    float denom = __builtin_sqrtf(*v) * k->inverse_sqrt_correction2 + k->epsilon;
    float old = *w;
    *w = k->shrink * *w - k->step_size * (*m / denom);
    return *w - old;
}

typedef float f4 __attribute__((ext_vector_type(4)));
typedef int i4 __attribute__((ext_vector_type(4)));
typedef float f8 __attribute__((ext_vector_type(8)));
typedef int i8 __attribute__((ext_vector_type(8)));

// Baseline x86-64 (SSE2): four lanes.
#define SUFFIX sse
#define TARGET
#define VF f4
#define VI i4
#define WIDTH 4
#include "adam_kernels.h"
#undef SUFFIX
#undef TARGET
#undef VF
#undef VI
#undef WIDTH

#if defined(__x86_64__)
// AVX2 (no FMA: every a * b + c stays two roundings): eight lanes, chosen at run time.
#define SUFFIX avx2
#define TARGET __attribute__((target("avx2")))
#define VF f8
#define VI i8
#define WIDTH 8
#include "adam_kernels.h"
#undef SUFFIX
#undef TARGET
#undef VF
#undef VI
#undef WIDTH

static int has_avx2(void) {
    static _Atomic int cached = -1;  // benign race: every thread computes the same answer
    int value = cached;
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx2") ? 1 : 0;
        cached = value;
    }
    return value;
}
#else
static int has_avx2(void) { return 0; }
#define adam_plain_avx2 adam_plain_sse
#define adam_moments_avx2 adam_moments_sse
#endif

const char *tracker_kernel_path(void) { return has_avx2() ? "avx2" : "sse2"; }

/// One thread's share of an update: the vector kernels, then the scalar tail.
static void adam_range(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                       const tracker_adam_coefficients *k, float small, tracker_step_moments *out) {
    int avx2 = has_avx2();
    if (out == NULL) {
        if (avx2) adam_plain_avx2(w, g, m, v, n, k); else adam_plain_sse(w, g, m, v, n, k);
        return;
    }
    tracker_step_moments r = {0};
    long i = avx2 ? adam_moments_avx2(w, g, m, v, n, k, small, &r) : adam_moments_sse(w, g, m, v, n, k, small, &r);
    for (; i < n; i++) {
        float gi = g[i];
        float d = adam_lane(&w[i], gi, &m[i], &v[i], k);
        float wn = w[i];
        r.gradient_sum += gi;
        r.gradient_squares += (double)(gi * gi);
        float ga = __builtin_fabsf(gi);
        if (ga > r.gradient_max_abs) r.gradient_max_abs = ga;
        if (gi == 0.0f) r.gradient_zeros += 1;
        r.weight_squares += (double)(wn * wn);
        if (__builtin_fabsf(wn) < small) r.weight_small += 1;
        r.update_squares += (double)(d * d);
    }
    *out = r;
}

// A second thread for large tensors: the elements are independent, so the weights are the
// same however the work is split; the moments are combined in a fixed order (first half,
// then second), so they are deterministic for a given thread count.
typedef struct {
    float *w; const float *g; float *m, *v; long n;
    const tracker_adam_coefficients *k; float small; int moments;
    tracker_step_moments r;
} adam_job;

static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t helper_wake = PTHREAD_COND_INITIALIZER;
static adam_job *helper_job;
static _Atomic int helper_done;
static int helper_started;
static _Atomic int kernel_threads = 1;
static _Atomic int helper_busy;  // one caller at a time may use the helper; others run alone

static void *helper_main(void *unused) {
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&helper_lock);
        while (helper_job == NULL) pthread_cond_wait(&helper_wake, &helper_lock);
        adam_job *job = helper_job;
        helper_job = NULL;
        pthread_mutex_unlock(&helper_lock);
        adam_range(job->w, job->g, job->m, job->v, job->n, job->k, job->small, job->moments ? &job->r : NULL);
        atomic_store_explicit(&helper_done, 1, memory_order_release);
    }
    return NULL;
}

void tracker_kernels_set_threads(int threads) { kernel_threads = threads < 1 ? 1 : threads; }

static void add_moments(tracker_step_moments *a, const tracker_step_moments *b) {
    a->gradient_sum += b->gradient_sum;
    a->gradient_squares += b->gradient_squares;
    if (b->gradient_max_abs > a->gradient_max_abs) a->gradient_max_abs = b->gradient_max_abs;
    a->gradient_zeros += b->gradient_zeros;
    a->weight_squares += b->weight_squares;
    a->weight_small += b->weight_small;
    a->update_squares += b->update_squares;
}

void tracker_adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                         const tracker_adam_coefficients *k, float small, tracker_step_moments *out) {
    enum { SPLIT_MIN = 1 << 16 };
    if (kernel_threads < 2 || n < SPLIT_MIN) {
        adam_range(w, g, m, v, n, k, small, out);
        return;
    }
    pthread_mutex_lock(&helper_lock);
    if (!helper_started) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        helper_started = pthread_create(&thread, &attr, helper_main, NULL) == 0 ? 1 : -1;
        pthread_attr_destroy(&attr);
    }
    int usable = helper_started == 1;
    pthread_mutex_unlock(&helper_lock);
    int idle = 0;
    if (!usable || !atomic_compare_exchange_strong(&helper_busy, &idle, 1)) {
        adam_range(w, g, m, v, n, k, small, out);
        return;
    }
    long half = (n / 2) & ~(long)63;
    adam_job job = { w + half, g + half, m + half, v + half, n - half, k, small, out != NULL, {0} };
    atomic_store_explicit(&helper_done, 0, memory_order_relaxed);
    pthread_mutex_lock(&helper_lock);
    helper_job = &job;
    pthread_cond_signal(&helper_wake);
    pthread_mutex_unlock(&helper_lock);
    tracker_step_moments first = {0};
    adam_range(w, g, m, v, half, k, small, out ? &first : NULL);
    while (!atomic_load_explicit(&helper_done, memory_order_acquire)) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
    }
    atomic_store(&helper_busy, 0);
    if (out) {
        add_moments(&first, &job.r);
        *out = first;
    }
}

void tracker_relu_statistics(const float *restrict y, long rows, long cols, float *restrict scratch,
                             long *inactive, double *sum, long *dead_columns) {
    // Per-column maximum, sum and count of outputs <= 0: every inner loop runs along a row,
    // so it vectorises without reassociating any sum.
    float *restrict alive = scratch, *restrict colsum = scratch + cols, *restrict coloff = scratch + 2 * cols;
    for (long c = 0; c < cols; c++) { alive[c] = -__builtin_inff(); colsum[c] = 0; coloff[c] = 0; }
    for (long r = 0; r < rows; r++) {
        const float *restrict row = y + r * cols;
        for (long c = 0; c < cols; c++) {
            float v = row[c];
            alive[c] = v > alive[c] ? v : alive[c];
            colsum[c] += v;
            coloff[c] += v <= 0.0f ? 1.0f : 0.0f;
        }
    }
    long dead = 0, off = 0;
    double total = 0;
    for (long c = 0; c < cols; c++) {
        dead += alive[c] <= 0.0f;
        off += (long)coloff[c];
        total += colsum[c];
    }
    *inactive = off;
    *sum = total;
    *dead_columns = dead;
}

// k / 255 for every byte, folded by the compiler (IEEE round-to-nearest, as at run time): a
// table load per pixel is about twice as fast as a division, and gives the same bits.
static const float unit_bytes[256] = {
    0.0f / 255.0f, 1.0f / 255.0f, 2.0f / 255.0f, 3.0f / 255.0f, 4.0f / 255.0f, 5.0f / 255.0f, 6.0f / 255.0f, 7.0f / 255.0f,
    8.0f / 255.0f, 9.0f / 255.0f, 10.0f / 255.0f, 11.0f / 255.0f, 12.0f / 255.0f, 13.0f / 255.0f, 14.0f / 255.0f, 15.0f / 255.0f,
    16.0f / 255.0f, 17.0f / 255.0f, 18.0f / 255.0f, 19.0f / 255.0f, 20.0f / 255.0f, 21.0f / 255.0f, 22.0f / 255.0f, 23.0f / 255.0f,
    24.0f / 255.0f, 25.0f / 255.0f, 26.0f / 255.0f, 27.0f / 255.0f, 28.0f / 255.0f, 29.0f / 255.0f, 30.0f / 255.0f, 31.0f / 255.0f,
    32.0f / 255.0f, 33.0f / 255.0f, 34.0f / 255.0f, 35.0f / 255.0f, 36.0f / 255.0f, 37.0f / 255.0f, 38.0f / 255.0f, 39.0f / 255.0f,
    40.0f / 255.0f, 41.0f / 255.0f, 42.0f / 255.0f, 43.0f / 255.0f, 44.0f / 255.0f, 45.0f / 255.0f, 46.0f / 255.0f, 47.0f / 255.0f,
    48.0f / 255.0f, 49.0f / 255.0f, 50.0f / 255.0f, 51.0f / 255.0f, 52.0f / 255.0f, 53.0f / 255.0f, 54.0f / 255.0f, 55.0f / 255.0f,
    56.0f / 255.0f, 57.0f / 255.0f, 58.0f / 255.0f, 59.0f / 255.0f, 60.0f / 255.0f, 61.0f / 255.0f, 62.0f / 255.0f, 63.0f / 255.0f,
    64.0f / 255.0f, 65.0f / 255.0f, 66.0f / 255.0f, 67.0f / 255.0f, 68.0f / 255.0f, 69.0f / 255.0f, 70.0f / 255.0f, 71.0f / 255.0f,
    72.0f / 255.0f, 73.0f / 255.0f, 74.0f / 255.0f, 75.0f / 255.0f, 76.0f / 255.0f, 77.0f / 255.0f, 78.0f / 255.0f, 79.0f / 255.0f,
    80.0f / 255.0f, 81.0f / 255.0f, 82.0f / 255.0f, 83.0f / 255.0f, 84.0f / 255.0f, 85.0f / 255.0f, 86.0f / 255.0f, 87.0f / 255.0f,
    88.0f / 255.0f, 89.0f / 255.0f, 90.0f / 255.0f, 91.0f / 255.0f, 92.0f / 255.0f, 93.0f / 255.0f, 94.0f / 255.0f, 95.0f / 255.0f,
    96.0f / 255.0f, 97.0f / 255.0f, 98.0f / 255.0f, 99.0f / 255.0f, 100.0f / 255.0f, 101.0f / 255.0f, 102.0f / 255.0f, 103.0f / 255.0f,
    104.0f / 255.0f, 105.0f / 255.0f, 106.0f / 255.0f, 107.0f / 255.0f, 108.0f / 255.0f, 109.0f / 255.0f, 110.0f / 255.0f, 111.0f / 255.0f,
    112.0f / 255.0f, 113.0f / 255.0f, 114.0f / 255.0f, 115.0f / 255.0f, 116.0f / 255.0f, 117.0f / 255.0f, 118.0f / 255.0f, 119.0f / 255.0f,
    120.0f / 255.0f, 121.0f / 255.0f, 122.0f / 255.0f, 123.0f / 255.0f, 124.0f / 255.0f, 125.0f / 255.0f, 126.0f / 255.0f, 127.0f / 255.0f,
    128.0f / 255.0f, 129.0f / 255.0f, 130.0f / 255.0f, 131.0f / 255.0f, 132.0f / 255.0f, 133.0f / 255.0f, 134.0f / 255.0f, 135.0f / 255.0f,
    136.0f / 255.0f, 137.0f / 255.0f, 138.0f / 255.0f, 139.0f / 255.0f, 140.0f / 255.0f, 141.0f / 255.0f, 142.0f / 255.0f, 143.0f / 255.0f,
    144.0f / 255.0f, 145.0f / 255.0f, 146.0f / 255.0f, 147.0f / 255.0f, 148.0f / 255.0f, 149.0f / 255.0f, 150.0f / 255.0f, 151.0f / 255.0f,
    152.0f / 255.0f, 153.0f / 255.0f, 154.0f / 255.0f, 155.0f / 255.0f, 156.0f / 255.0f, 157.0f / 255.0f, 158.0f / 255.0f, 159.0f / 255.0f,
    160.0f / 255.0f, 161.0f / 255.0f, 162.0f / 255.0f, 163.0f / 255.0f, 164.0f / 255.0f, 165.0f / 255.0f, 166.0f / 255.0f, 167.0f / 255.0f,
    168.0f / 255.0f, 169.0f / 255.0f, 170.0f / 255.0f, 171.0f / 255.0f, 172.0f / 255.0f, 173.0f / 255.0f, 174.0f / 255.0f, 175.0f / 255.0f,
    176.0f / 255.0f, 177.0f / 255.0f, 178.0f / 255.0f, 179.0f / 255.0f, 180.0f / 255.0f, 181.0f / 255.0f, 182.0f / 255.0f, 183.0f / 255.0f,
    184.0f / 255.0f, 185.0f / 255.0f, 186.0f / 255.0f, 187.0f / 255.0f, 188.0f / 255.0f, 189.0f / 255.0f, 190.0f / 255.0f, 191.0f / 255.0f,
    192.0f / 255.0f, 193.0f / 255.0f, 194.0f / 255.0f, 195.0f / 255.0f, 196.0f / 255.0f, 197.0f / 255.0f, 198.0f / 255.0f, 199.0f / 255.0f,
    200.0f / 255.0f, 201.0f / 255.0f, 202.0f / 255.0f, 203.0f / 255.0f, 204.0f / 255.0f, 205.0f / 255.0f, 206.0f / 255.0f, 207.0f / 255.0f,
    208.0f / 255.0f, 209.0f / 255.0f, 210.0f / 255.0f, 211.0f / 255.0f, 212.0f / 255.0f, 213.0f / 255.0f, 214.0f / 255.0f, 215.0f / 255.0f,
    216.0f / 255.0f, 217.0f / 255.0f, 218.0f / 255.0f, 219.0f / 255.0f, 220.0f / 255.0f, 221.0f / 255.0f, 222.0f / 255.0f, 223.0f / 255.0f,
    224.0f / 255.0f, 225.0f / 255.0f, 226.0f / 255.0f, 227.0f / 255.0f, 228.0f / 255.0f, 229.0f / 255.0f, 230.0f / 255.0f, 231.0f / 255.0f,
    232.0f / 255.0f, 233.0f / 255.0f, 234.0f / 255.0f, 235.0f / 255.0f, 236.0f / 255.0f, 237.0f / 255.0f, 238.0f / 255.0f, 239.0f / 255.0f,
    240.0f / 255.0f, 241.0f / 255.0f, 242.0f / 255.0f, 243.0f / 255.0f, 244.0f / 255.0f, 245.0f / 255.0f, 246.0f / 255.0f, 247.0f / 255.0f,
    248.0f / 255.0f, 249.0f / 255.0f, 250.0f / 255.0f, 251.0f / 255.0f, 252.0f / 255.0f, 253.0f / 255.0f, 254.0f / 255.0f, 255.0f / 255.0f,
};

void tracker_unit_bytes_to_float(const unsigned char *restrict src, float *restrict dst, long n) {
    for (long i = 0; i < n; i++) dst[i] = unit_bytes[src[i]];
}

// Activation passes: plain loops that clang vectorises at -O3 (a select per lane, no
// reassociation), so every element sees the formula's operations whatever the width.
void tracker_leaky_relu_forward(const float *restrict x, float *restrict y, long n, float slope) {
    if (slope == 0.0f) {
        for (long i = 0; i < n; i++) { float v = x[i]; y[i] = v > 0.0f ? v : 0.0f; }
    } else {
        for (long i = 0; i < n; i++) { float v = x[i]; y[i] = v > 0.0f ? v : slope * v; }
    }
}

void tracker_leaky_relu_backward(const float *restrict s, const float *restrict g, float *restrict d, long n, float slope) {
    // g is loaded unconditionally, so the select vectorises (a conditional load would not).
    if (slope == 0.0f) {
        for (long i = 0; i < n; i++) { float gi = g[i]; d[i] = s[i] > 0.0f ? gi : 0.0f; }
    } else {
        for (long i = 0; i < n; i++) { float gi = g[i]; d[i] = s[i] > 0.0f ? gi : slope * gi; }
    }
}

void tracker_sigmoid_backward(const float *restrict y, const float *restrict g, float *restrict d, long n) {
    for (long i = 0; i < n; i++) d[i] = g[i] * y[i] * (1.0f - y[i]);
}

void tracker_tanh_backward(const float *restrict y, const float *restrict g, float *restrict d, long n) {
    for (long i = 0; i < n; i++) d[i] = g[i] * (1.0f - y[i] * y[i]);
}

static inline unsigned long long rotl64(unsigned long long x, int k) { return (x << k) | (x >> (64 - k)); }

void tracker_dropout_forward(const float *restrict x, float *restrict y, float *restrict mask, long n,
                             float drop, float keep, unsigned long long *restrict state) {
    unsigned long long s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
    for (long i = 0; i < n; i++) {
        unsigned long long r = rotl64(s1 * 5, 7) * 9;
        unsigned long long t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl64(s3, 45);
        float u = (float)(r >> 40) * (1.0f / 16777216.0f);
        float k = u < drop ? 0.0f : keep;
        mask[i] = k;
        y[i] = x[i] * k;
    }
    state[0] = s0; state[1] = s1; state[2] = s2; state[3] = s3;
}

void tracker_multiply(const float *restrict g, const float *restrict mask, float *restrict d, long n) {
    for (long i = 0; i < n; i++) d[i] = g[i] * mask[i];
}

void tracker_column_mean_variance(const float *restrict x, long rows, long cols, float *restrict mean, float *restrict variance) {
    for (long c = 0; c < cols; c++) { mean[c] = 0.0f; variance[c] = 0.0f; }
    for (long r = 0; r < rows; r++) { const float *row = x + r * cols; for (long c = 0; c < cols; c++) mean[c] += row[c]; }
    float n = (float)rows;
    for (long c = 0; c < cols; c++) mean[c] /= n;
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * cols;
        for (long c = 0; c < cols; c++) { float d = row[c] - mean[c]; variance[c] += d * d; }
    }
    for (long c = 0; c < cols; c++) variance[c] /= n;
}

void tracker_batchnorm_normalize(const float *restrict x, long rows, long cols, const float *restrict mean, const float *restrict inv,
                                 const float *restrict gamma, const float *restrict beta, float *restrict xhat, float *restrict y) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        float *hr = xhat + r * cols, *yr = y + r * cols;
        for (long c = 0; c < cols; c++) {
            float h = (xr[c] - mean[c]) * inv[c];
            hr[c] = h;
            yr[c] = gamma[c] * h + beta[c];
        }
    }
}

void tracker_batchnorm_parameter_gradients(const float *restrict g, const float *restrict xhat, long rows, long cols,
                                           float *restrict dgamma, float *restrict dbeta) {
    for (long c = 0; c < cols; c++) { dgamma[c] = 0.0f; dbeta[c] = 0.0f; }
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * cols, *hr = xhat + r * cols;
        for (long c = 0; c < cols; c++) { dbeta[c] += gr[c]; dgamma[c] += gr[c] * hr[c]; }
    }
}

void tracker_batchnorm_input_gradient(const float *restrict g, const float *restrict xhat, long rows, long cols, const float *restrict k,
                                      const float *restrict dbeta, const float *restrict dgamma, float n, int training, float *restrict d) {
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * cols, *hr = xhat + r * cols;
        float *dr = d + r * cols;
        if (training) {
            for (long c = 0; c < cols; c++) dr[c] = k[c] * (n * gr[c] - dbeta[c] - hr[c] * dgamma[c]);
        } else {
            for (long c = 0; c < cols; c++) dr[c] = k[c] * n * gr[c];
        }
    }
}
