// The Adam kernels for one vector width, included by kernels.c once per instruction set
// (not a public header).
// Expects: SUFFIX (name suffix), TARGET (function attribute), VF/VI (float/int vector
// types of WIDTH lanes).

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

TARGET static void CAT(adam_plain_, SUFFIX)(float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
                                            long n, const tracker_adam_coefficients *k) {
    const float b1 = k->b1, c1 = k->c1, b2 = k->b2, c2 = k->c2, step = k->step_size;
    const float isc2 = k->inverse_sqrt_correction2, eps = k->epsilon, decay = k->coupled_decay, shrink = k->shrink;
    if (decay == 0.0f && shrink == 1.0f) {
        // Plain Adam: shrink · w = w and g + 0 · w = g exactly, so these terms are left out.
        for (long i = 0; i < n; i++) {
            float grad = g[i];
            float mi = b1 * m[i] + c1 * grad;
            float vi = b2 * v[i] + c2 * (grad * grad);
            m[i] = mi;
            v[i] = vi;
            w[i] = w[i] - step * (mi / (__builtin_sqrtf(vi) * isc2 + eps));
        }
    } else {
        for (long i = 0; i < n; i++) {
            float grad = decay == 0.0f ? g[i] : g[i] + decay * w[i];
            float mi = b1 * m[i] + c1 * grad;
            float vi = b2 * v[i] + c2 * (grad * grad);
            m[i] = mi;
            v[i] = vi;
            w[i] = shrink * w[i] - step * (mi / (__builtin_sqrtf(vi) * isc2 + eps));
        }
    }
}

/// The update with the statistics: the update loop also sums the squared update (one
/// more chain), then a second pass over the gradient and the new weights (a short loop
/// that streams two arrays) sums their moments. Two lean loops beat one fused loop here:
/// the fused loop's long sqrt/div chains leave too few loads in flight.
TARGET static long CAT(adam_moments_, SUFFIX)(float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
                                              long n, const tracker_adam_coefficients *k, float small, tracker_step_moments *r) {
    const VF b1 = k->b1, c1 = k->c1, b2 = k->b2, c2 = k->c2, step = k->step_size;
    const VF isc2 = k->inverse_sqrt_correction2, eps = k->epsilon, decay = k->coupled_decay, shrink = k->shrink;
    const long vectorized = n - n % WIDTH;
    VF us = 0;
    if (k->coupled_decay == 0.0f && k->shrink == 1.0f) {
        // Plain Adam (shrink · w = w and g + 0 · w = g exactly).
        for (long i = 0; i < vectorized; i += WIDTH) {
            VF gi, wi, mi, vi;
            __builtin_memcpy(&gi, g + i, sizeof gi);
            __builtin_memcpy(&wi, w + i, sizeof wi);
            __builtin_memcpy(&mi, m + i, sizeof mi);
            __builtin_memcpy(&vi, v + i, sizeof vi);
            mi = b1 * mi + c1 * gi;
            vi = b2 * vi + c2 * (gi * gi);
            VF wn = wi - step * (mi / (__builtin_elementwise_sqrt(vi) * isc2 + eps));
            __builtin_memcpy(m + i, &mi, sizeof mi);
            __builtin_memcpy(v + i, &vi, sizeof vi);
            __builtin_memcpy(w + i, &wn, sizeof wn);
            VF d = wn - wi;
            us += d * d;
        }
    } else {
        for (long i = 0; i < vectorized; i += WIDTH) {
            VF gi, wi, mi, vi;
            __builtin_memcpy(&gi, g + i, sizeof gi);
            __builtin_memcpy(&wi, w + i, sizeof wi);
            __builtin_memcpy(&mi, m + i, sizeof mi);
            __builtin_memcpy(&vi, v + i, sizeof vi);
            VF grad = k->coupled_decay == 0.0f ? gi : gi + decay * wi;
            mi = b1 * mi + c1 * grad;
            vi = b2 * vi + c2 * (grad * grad);
            VF wn = shrink * wi - step * (mi / (__builtin_elementwise_sqrt(vi) * isc2 + eps));
            __builtin_memcpy(m + i, &mi, sizeof mi);
            __builtin_memcpy(v + i, &vi, sizeof vi);
            __builtin_memcpy(w + i, &wn, sizeof wn);
            VF d = wn - wi;
            us += d * d;
        }
    }
    // Moments of the gradient and the new weights: |x| by clearing sign bits, the largest
    // |g| through its bit pattern (non-negative floats order like integers).
    const VF tiny = small;
    const VI magnitude = 0x7FFFFFFF, infinity = 0x7F800000;
    VF gs = 0, gq = 0, ws = 0;
    VI gm = 0, gz = 0, wz = 0;
    for (long i = 0; i < vectorized; i += WIDTH) {
        VF gi, wn;
        __builtin_memcpy(&gi, g + i, sizeof gi);
        __builtin_memcpy(&wn, w + i, sizeof wn);
        gs += gi;
        gq += gi * gi;
        VI ga = (VI)gi & magnitude;
        gm = __builtin_elementwise_max(gm, ga & (ga <= infinity));  // NaN lanes count as 0, as in the scalar tail
        gz -= gi == 0.0f;
        ws += wn * wn;
        wz -= (VF)((VI)wn & magnitude) < tiny;
    }
    float sum = 0, sq = 0, mx = 0, wsq = 0, usq = 0;
    long zeros = 0, wsmall = 0;
    int mxbits = 0;
    for (int j = 0; j < WIDTH; j++) {
        sum += gs[j]; sq += gq[j]; mxbits = gm[j] > mxbits ? gm[j] : mxbits; zeros += gz[j];
        wsq += ws[j]; wsmall += wz[j]; usq += us[j];
    }
    __builtin_memcpy(&mx, &mxbits, sizeof mx);
    r->gradient_sum = sum; r->gradient_squares = sq; r->gradient_max_abs = mx; r->gradient_zeros = zeros;
    r->weight_squares = wsq; r->weight_small = wsmall; r->update_squares = usq;
    return vectorized;
}

#undef CAT
#undef CAT2
