// The bfloat16 pre-scan (see scan.h): scores of float32 rows against every centre from both
// rounded to bfloat16, multiplied in pairs by AVX512-BF16's dot product (32 multiply-adds an
// instruction where a float32 fused multiply-add does 16). Its scores are far coarser than the
// float32 scan's, so a row is settled with lloyd_bound_bf16, which covers that rounding: the
// exact settle then makes the labels the exact nearest centres, as after any scan.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#if !defined(__x86_64__)
// Other CPUs never pick the pre-scan (addon.c); these only complete the link.
const int lloyd_tile_bf16 = 0;
void lloyd_bf16_pairs(const float *row, int d, uint32_t *pairs) {
  (void)row, (void)d, (void)pairs;
  abort();
}
void lloyd_pack_bf16(const float *centres, int k, int d, int kp, uint32_t *packed) {
  (void)centres, (void)k, (void)d, (void)kp, (void)packed;
  abort();
}
void lloyd_scores_bf16(const uint32_t *const *rows, int pairs, const uint32_t *packed,
                       const float *half, int kp, float *out) {
  (void)rows, (void)pairs, (void)packed, (void)half, (void)kp, (void)out;
  abort();
}
#else
#include <immintrin.h>

/** Rows per tile: 8 rows by 2 panels of accumulators, 2 panel vectors and a row pair in registers. */
#define ROWS 8
const int lloyd_tile_bf16 = ROWS;

/** A float32 as bfloat16, rounded to nearest even (NaN is never given: rows and centres are finite). */
static inline uint16_t to_bf16(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return (uint16_t)(bits >> 16);
}

void lloyd_bf16_pairs(const float *row, int d, uint32_t *pairs) {
  int t = 0;
  for (; t + 32 <= d; t += 32) {
    const __m512bh packed =
        _mm512_cvtne2ps_pbh(_mm512_loadu_ps(row + t + 16), _mm512_loadu_ps(row + t));
    _mm512_storeu_si512((void *)(pairs + t / 2), (__m512i)packed);
  }
  for (; t < d; t += 2) {
    const uint32_t low = to_bf16(row[t]);
    const uint32_t high = t + 1 < d ? to_bf16(row[t + 1]) : 0;
    pairs[t / 2] = low | high << 16;
  }
}

void lloyd_pack_bf16(const float *centres, int k, int d, int kp, uint32_t *packed) {
  const int pairs = (d + 1) / 2;
  for (int j = 0; j < kp; j++) {
    uint32_t *panel = packed + (size_t)(j / 16) * pairs * 16 + j % 16;
    const float *centre = centres + (size_t)j * d;
    for (int p = 0; p < pairs; p++) {
      uint32_t value = 0;
      if (j < k) {
        const uint32_t low = to_bf16(centre[2 * p]);
        const uint32_t high = 2 * p + 1 < d ? to_bf16(centre[2 * p + 1]) : 0;
        value = low | high << 16;
      }
      panel[(size_t)p * 16] = value;
    }
  }
}

void lloyd_scores_bf16(const uint32_t *const *rows, int pairs, const uint32_t *packed,
                       const float *half, int kp, float *out) {
  const size_t panel = (size_t)pairs * 16;
  int j = 0;
  for (; j + 32 <= kp; j += 32) {
    const uint32_t *p0 = packed + (size_t)(j / 16) * panel;
    const uint32_t *p1 = p0 + panel;
    __m512 acc[ROWS][2];
    for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int p = 0; p < pairs; p++) {
      const __m512bh w0 = (__m512bh)_mm512_load_si512((const void *)(p0 + (size_t)p * 16));
      const __m512bh w1 = (__m512bh)_mm512_load_si512((const void *)(p1 + (size_t)p * 16));
#pragma GCC unroll 8
      for (int r = 0; r < ROWS; r++) {
        const __m512bh b = (__m512bh)_mm512_set1_epi32((int)rows[r][p]);
        acc[r][0] = _mm512_dpbf16_ps(acc[r][0], b, w0);
        acc[r][1] = _mm512_dpbf16_ps(acc[r][1], b, w1);
      }
    }
    const __m512 h0 = _mm512_load_ps(half + j);
    const __m512 h1 = _mm512_load_ps(half + j + 16);
    for (int r = 0; r < ROWS; r++) {
      _mm512_storeu_ps(out + (size_t)r * kp + j, _mm512_sub_ps(h0, acc[r][0]));
      _mm512_storeu_ps(out + (size_t)r * kp + j + 16, _mm512_sub_ps(h1, acc[r][1]));
    }
  }
  // The last panel alone.
  for (; j < kp; j += 16) {
    const uint32_t *p0 = packed + (size_t)(j / 16) * panel;
    __m512 acc[ROWS];
    for (int r = 0; r < ROWS; r++) acc[r] = _mm512_setzero_ps();
    for (int p = 0; p < pairs; p++) {
      const __m512bh w0 = (__m512bh)_mm512_load_si512((const void *)(p0 + (size_t)p * 16));
#pragma GCC unroll 8
      for (int r = 0; r < ROWS; r++)
        acc[r] = _mm512_dpbf16_ps(acc[r], (__m512bh)_mm512_set1_epi32((int)rows[r][p]), w0);
    }
    const __m512 h0 = _mm512_load_ps(half + j);
    for (int r = 0; r < ROWS; r++) _mm512_storeu_ps(out + (size_t)r * kp + j, _mm512_sub_ps(h0, acc[r]));
  }
}
#endif
