// One build of the fast scan (see scan.h), for the LANES and ROWS it is compiled with. Compiled
// with -ffp-contract=fast: acc += b * w is one fused multiply-add where the target has it.
#include "scan.h"

#include <stddef.h>

#ifndef LANES
#error "compile with -DLANES=16|8|4 -DROWS=n -DSCORES=name"
#endif

typedef float vf __attribute__((vector_size(LANES * 4)));

/** Rows per tile of this build: what callers of SCORES must give (and allot scores for). */
const int TILE = ROWS;
typedef int vi __attribute__((vector_size(LANES * 4)));

/** a < b ? a : b, lane by lane (C has no vector ?:). */
static inline vf lesser(vf a, vf b) {
  const vi pick = a < b;
  return (vf)(((vi)a & pick) | ((vi)b & ~pick));
}

/** a > b ? a : b, lane by lane. */
static inline vf greater(vf a, vf b) {
  const vi pick = a > b;
  return (vf)(((vi)a & pick) | ((vi)b & ~pick));
}

#ifndef PANELS
#define PANELS 2
#endif

void SCORES(const float *const *rows, int d, const float *packed, const float *half, int kp,
            float *out) {
  const size_t panel = (size_t)d * LANES;
  int j = 0;
  // ROWS rows by PANELS panels: ROWS x PANELS accumulators, each panel vector loaded once for
  // all the rows, each row value broadcast once for all the panels.
  for (; j + PANELS * LANES <= kp; j += PANELS * LANES) {
    const float *p0 = packed + (size_t)(j / LANES) * panel;
    vf acc[ROWS][PANELS];
#pragma GCC unroll 16
    for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 8
      for (int q = 0; q < PANELS; q++) acc[r][q] = (vf){0};
    for (int t = 0; t < d; t++) {
      vf w[PANELS];
#pragma GCC unroll 8
      for (int q = 0; q < PANELS; q++) w[q] = *(const vf *)(p0 + q * panel + (size_t)t * LANES);
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) {
        const vf b = rows[r][t] - (vf){0};
#pragma GCC unroll 8
        for (int q = 0; q < PANELS; q++) acc[r][q] += b * w[q];
      }
    }
#pragma GCC unroll 8
    for (int q = 0; q < PANELS; q++) {
      const vf h = *(const vf *)(half + j + q * LANES);
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) *(vf *)(out + (size_t)r * kp + j + q * LANES) = h - acc[r][q];
    }
  }
  // The last panels one at a time.
  for (; j < kp; j += LANES) {
    const float *p0 = packed + (size_t)(j / LANES) * panel;
    vf acc0[ROWS];
#pragma GCC unroll 16
    for (int r = 0; r < ROWS; r++) acc0[r] = (vf){0};
    for (int t = 0; t < d; t++) {
      const vf w0 = *(const vf *)(p0 + (size_t)t * LANES);
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) acc0[r] += (rows[r][t] - (vf){0}) * w0;
    }
    const vf h0 = *(const vf *)(half + j);
#pragma GCC unroll 16
    for (int r = 0; r < ROWS; r++) *(vf *)(out + (size_t)r * kp + j) = h0 - acc0[r];
  }
}

/*
 * The lowest of `k` scores (the first index on equal scores) and the second lowest, equal to the
 * lowest when it occurs twice: per lane the two smallest, then across lanes (compares only, so
 * every build finds the same).
 */
void BEST2(const float *scores, int k, int *best, float *lowest, float *runnerUp) {
  vf low = (vf){0} + __builtin_inff();
  vf next = low;
  int j = 0;
  for (; j + LANES <= k; j += LANES) {
    vf v;
    __builtin_memcpy(&v, scores + j, sizeof v);
    next = lesser(greater(v, low), next);
    low = lesser(v, low);
  }
  float a = __builtin_inff();
  float b = __builtin_inff();
  for (int lane = 0; lane < LANES; lane++) {
    const float l = low[lane];
    const float n = next[lane];
    if (l < a) {
      b = a < n ? a : n;
      a = l;
    } else {
      b = l < b ? l : b;
    }
  }
  for (; j < k; j++) {
    const float s = scores[j];
    if (s < a) {
      b = a;
      a = s;
    } else if (s < b) {
      b = s;
    }
  }
  int at = 0;
  while (scores[at] != a) at++;
  *best = at;
  *lowest = a;
  *runnerUp = b;
}
