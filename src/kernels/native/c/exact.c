#include "exact.h"

#include <math.h>

typedef double v4df __attribute__((vector_size(32)));
typedef float v4sf __attribute__((vector_size(16)));

/* x86-64 builds the exact distances for AVX2 and SSE2 and picks at load; arm64 has NEON only. */
#if defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLONES
#endif

/* Lane i holds the squares of t = i mod 4, added (l0 + l2) + (l1 + l3), then the tail in order:
   WebAssembly's squaredDistance, without fused adds. */
CLONES void lloyd_distances_f32(
    const float *const *rows, const double *const *centres, int count, int d, double *out) {
  v4df acc[8];
  for (int r = 0; r < 8; r++) acc[r] = (v4df){0, 0, 0, 0};
  const int body = d & ~3;
  for (int t = 0; t < body; t += 4) {
    for (int r = 0; r < count; r++) {
      v4sf x;
      v4df c;
      __builtin_memcpy(&x, rows[r] + t, sizeof x);
      __builtin_memcpy(&c, centres[r] + t, sizeof c);
      const v4df e = __builtin_convertvector(x, v4df) - c;
      acc[r] += e * e;
    }
  }
  for (int r = 0; r < count; r++) {
    double s = (acc[r][0] + acc[r][2]) + (acc[r][1] + acc[r][3]);
    for (int t = body; t < d; t++) {
      const double e = (double)rows[r][t] - centres[r][t];
      s += e * e;
    }
    out[r] = s;
  }
}

double lloyd_distance_f32(const float *row, const double *centre, int d) {
  double out;
  lloyd_distances_f32(&row, &centre, 1, d, &out);
  return out;
}

double lloyd_distance_f64(const double *row, const double *centre, int d) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int t = 0;
  for (; t + 4 <= d; t += 4) {
    const double e0 = row[t] - centre[t];
    const double e1 = row[t + 1] - centre[t + 1];
    const double e2 = row[t + 2] - centre[t + 2];
    const double e3 = row[t + 3] - centre[t + 3];
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  double s = (s0 + s2) + (s1 + s3);
  for (; t < d; t++) {
    const double e = row[t] - centre[t];
    s += e * e;
  }
  return s;
}

void lloyd_add_to_block(const void *row, int f32, int i, int d, const double *weights, int k,
                        double *sums, double *clusterWeights, int blockRows, int label) {
  const double w = weights ? weights[i] : 1.0;
  const int64_t at = (int64_t)(i / blockRows) * k + label;
  clusterWeights[at] += w;
  double *s = sums + at * d;
  // x·1 is x: unweighted rows skip the product, as the WebAssembly kernels do (the same bits).
  if (f32) {
    const float *x = (const float *)row;
    if (w == 1.0)
      for (int t = 0; t < d; t++) s[t] += (double)x[t];
    else
      for (int t = 0; t < d; t++) s[t] += (double)x[t] * w;
  } else {
    const double *x = (const double *)row;
    if (w == 1.0)
      for (int t = 0; t < d; t++) s[t] += x[t];
    else
      for (int t = 0; t < d; t++) s[t] += x[t] * w;
  }
}

/* 2^-147, 2^-23, 2^-100 and 2^80: scan.ts's TINY32, EPS32, UNDERFLOW and MIXED_LIMIT. */
static const double TINY32 = 5.605193857299268e-45;
static const double EPS32 = 1.1920928955078125e-7;
static const double UNDERFLOW = 7.888609052210118e-31;
static const double MIXED_LIMIT = 1.2089258196146292e24;

double lloyd_bound_f32(int d, double xnorm, double cnMax, double margin) {
  const double scale = sqrt(xnorm) + sqrt(cnMax);
  return margin * scale * scale + (double)(d + 16) * TINY32;
}

double lloyd_bound_mixed(int d, double xnorm, double cnMax) {
  const double scale = sqrt(xnorm) + sqrt(cnMax);
  return (double)(d + 16) * EPS32 * scale * scale + (double)d * UNDERFLOW;
}

/*
 * Each score's error, with s = (||x|| + max ||c||)², so that ||x||·||c|| <= s / 4 and a half norm
 * is at most s / 2. Rounding a row to bfloat16 moves each value by at most 2^-8 of it, a centre
 * (float32 of float64) by 2^-8 + 2^-23; their products, exact in float32, by 2^-7 + 2^-15, which
 * summed is at most (2^-7 + 2^-15) ||x||·||c|| (Cauchy-Schwarz). Adding d products in float32
 * adds (d + 1) 2^-24 of the sum of their magnitudes; the half norm's rounding 2^-25 s, the final
 * subtraction 2^-24 s. Two scores are compared doubled, so the bound is four times one score's
 * error: below s (2^-7 + 2^-14 + (d + 16) 2^-24). Values below 2^-126 are flushed to zero, each
 * moving a product by 2^-126 (|x_t| + |c_t|) and each sum by 2^-126: the absolute term.
 */
double lloyd_bound_bf16(int d, double xnorm, double cnMax) {
  const double scale = sqrt(xnorm) + sqrt(cnMax);
  const double s = scale * scale;
  return s * (0x1p-7 + 0x1p-14 + (double)(d + 16) * 0x1p-24) +
         (double)(d + 16) * 0x1p-122 * (scale + 1);
}

int lloyd_scanned_in_f32(double xnorm, double cnMax) {
  return cnMax <= MIXED_LIMIT && xnorm <= MIXED_LIMIT;
}
