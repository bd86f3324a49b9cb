/*
 * Vitrine's native baseline: the same query as the kernels (score every row, exact top-10), as a
 * plain C loop with AVX2/FMA intrinsics. Compiled at bench time with `gcc -O3 -mavx2 -mfma`.
 * Usage: scan N D DTYPE(f32|i8) ITERATIONS SEED  ->  one timing per line, in milliseconds.
 * Data: uniform noise, rows L2-normalised (f32) or quantised per row (i8), like the JS bench.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

#define K 10

static uint32_t state;
static float next(void) { /* xorshift32: seeded, portable */
  state ^= state << 13; state ^= state >> 17; state ^= state << 5;
  return (float)(state >> 8) / 16777216.0f;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

/* Four rows per step, one FMA accumulator each: the same shape as the WASM kernel. d % 8 == 0. */
static void score_f32(const float *m, size_t n, size_t d, const float *q, float *out) {
  for (size_t r = 0; r < n; r += 4) {
    const float *p = m + r * d;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (size_t c = 0; c < d; c += 8) {
      __m256 v = _mm256_loadu_ps(q + c);
      a0 = _mm256_fmadd_ps(_mm256_loadu_ps(p + c), v, a0);
      a1 = _mm256_fmadd_ps(_mm256_loadu_ps(p + d + c), v, a1);
      a2 = _mm256_fmadd_ps(_mm256_loadu_ps(p + 2 * d + c), v, a2);
      a3 = _mm256_fmadd_ps(_mm256_loadu_ps(p + 3 * d + c), v, a3);
    }
    out[r] = hsum(a0); out[r + 1] = hsum(a1); out[r + 2] = hsum(a2); out[r + 3] = hsum(a3);
  }
}

/* int8 rows x int16 query with _mm256_madd_epi16, exact i32 sums, then the per-row scale. d % 16 == 0. */
static void score_i8(const int8_t *m, const float *scales, size_t n, size_t d, const int16_t *q, float qs, float *out) {
  for (size_t r = 0; r < n; r++) {
    const int8_t *p = m + r * d;
    __m256i acc = _mm256_setzero_si256();
    for (size_t c = 0; c < d; c += 16) {
      __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + c)));
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, _mm256_loadu_si256((const __m256i *)(q + c))));
    }
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    out[r] = (float)_mm_cvtsi128_si32(s) * scales[r] * qs;
  }
}

/* Exact top-K: threshold check first, insertion into a sorted list only when a row beats it. */
static int top_k(const float *s, size_t n, int *idx, float *val) {
  int count = 0;
  for (size_t r = 0; r < n; r++) {
    float v = s[r];
    if (count == K && !(v > val[K - 1])) continue;
    if (v != v) continue;
    int pos = count < K ? count++ : K - 1;
    while (pos > 0 && val[pos - 1] < v) { val[pos] = val[pos - 1]; idx[pos] = idx[pos - 1]; pos--; }
    val[pos] = v; idx[pos] = (int)r;
  }
  return count;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: scan N D f32|i8 ITERATIONS SEED\n"); return 2; }
  size_t n = strtoul(argv[1], 0, 10), d = strtoul(argv[2], 0, 10);
  int i8 = strcmp(argv[3], "i8") == 0, iters = atoi(argv[4]);
  state = (uint32_t)atoi(argv[5]) | 1;
  size_t np = (n + 3) & ~(size_t)3;
  size_t dp = (d + 15) & ~(size_t)15;
  float *m = aligned_alloc(32, np * dp * sizeof(float));
  int8_t *m8 = aligned_alloc(32, np * dp);
  float *scales = aligned_alloc(32, np * sizeof(float));
  float *scores = aligned_alloc(32, np * sizeof(float));
  memset(m, 0, np * dp * sizeof(float));
  memset(m8, 0, np * dp);
  memset(scales, 0, np * sizeof(float));
  for (size_t r = 0; r < n; r++) {
    float norm = 0, mx = 0;
    for (size_t j = 0; j < d; j++) { float v = next() - 0.5f; m[r * dp + j] = v; norm += v * v; }
    norm = sqrtf(norm);
    for (size_t j = 0; j < d; j++) { m[r * dp + j] /= norm; mx = fmaxf(mx, fabsf(m[r * dp + j])); }
    scales[r] = mx / 127;
    for (size_t j = 0; j < d; j++) m8[r * dp + j] = (int8_t)lrintf(m[r * dp + j] / scales[r]);
  }
  float q[4096]; int16_t q16[4096]; int idx[K]; float val[K];
  volatile int sink = 0;
  for (int it = -3; it < iters; it++) { /* 3 warm-up runs */
    float mx = 0;
    memset(q, 0, sizeof q);
    for (size_t j = 0; j < d; j++) { q[j] = next() - 0.5f; mx = fmaxf(mx, fabsf(q[j])); }
    double t0 = now_ms();
    if (i8) {
      float qs = mx / 32767;
      for (size_t j = 0; j < dp; j++) q16[j] = (int16_t)lrintf(q[j] / qs);
      score_i8(m8, scales, n, dp, q16, qs, scores);
    } else {
      score_f32(m, np, dp, q, scores);
    }
    sink += top_k(scores, n, idx, val);
    double t1 = now_ms();
    if (it >= 0) printf("%.6f\n", t1 - t0);
  }
  return sink == -1;
}
