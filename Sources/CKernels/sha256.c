#include "CKernels.h"
#include <stdint.h>

// SHA-256 block compression with the x86 SHA extensions (SHA-NI), chosen at run time; the
// portable Swift implementation (Tracker's SHA256) hashes where they are missing. Written by
// hand because no system library here exposes SHA-NI hashing to Swift (Foundation on Linux
// has no CryptoKit) and dataset fingerprints hash tens of megabytes per run.

static const uint32_t K256[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("sha,sse4.1,ssse3")))
static void sha256_ni(uint32_t state[8], const unsigned char *data, long blocks) {
    const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i state1 = _mm_loadu_si128((const __m128i *)&state[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);              // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);        // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8); // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);     // CDGH
    for (long b = 0; b < blocks; b++, data += 64) {
        __m128i abef = state0, cdgh = state1;
        __m128i w[4];
        for (int i = 0; i < 4; i++) w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), MASK);
        for (int j = 0; j < 16; j++) {
            if (j >= 4) {
                // W[4j..4j+3] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16]
                __m128i x = _mm_sha256msg1_epu32(w[j & 3], w[(j - 3) & 3]);
                x = _mm_add_epi32(x, _mm_alignr_epi8(w[(j - 1) & 3], w[(j - 2) & 3], 4));
                w[j & 3] = _mm_sha256msg2_epu32(x, w[(j - 1) & 3]);
            }
            __m128i wk = _mm_add_epi32(w[j & 3], _mm_loadu_si128((const __m128i *)&K256[4 * j]));
            state1 = _mm_sha256rnds2_epu32(state1, state0, wk);
            wk = _mm_shuffle_epi32(wk, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, wk);
        }
        state0 = _mm_add_epi32(state0, abef);
        state1 = _mm_add_epi32(state1, cdgh);
    }
    tmp = _mm_shuffle_epi32(state0, 0x1B);           // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);        // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);     // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);        // ABEF
    _mm_storeu_si128((__m128i *)&state[0], state0);
    _mm_storeu_si128((__m128i *)&state[4], state1);
}

static int has_sha_ni(void) {
    static _Atomic int cached = -1;  // benign race: every thread computes the same answer
    int value = cached;
    if (value < 0) {
        __builtin_cpu_init();
        unsigned int a, b, c, d;
        // CPUID leaf 7, sub-leaf 0: EBX bit 29 is SHA.
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
        value = ((b >> 29) & 1) && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("ssse3") ? 1 : 0;
        cached = value;
    }
    return value;
}
#endif

int tracker_sha256_blocks(unsigned int state[8], const unsigned char *data, long blocks) {
#if defined(__x86_64__)
    if (blocks > 0 && has_sha_ni()) {
        sha256_ni(state, data, blocks);
        return 1;
    }
#endif
    (void)state; (void)data; (void)blocks;
    return 0;
}

int tracker_sha256_accelerated(void) {
#if defined(__x86_64__)
    return has_sha_ni();
#else
    return 0;
#endif
}
