// One build of the fast scan (see scan.h), for the LANES and ROWS it is compiled with. Compiled
// with -ffp-contract=fast: acc += b * w is one fused multiply-add where the target has it.
#include "scan.h"

#include <stddef.h>

#ifndef LANES
#error "compile with -DLANES=16|8|4 -DROWS=n -DSCORES=name"
#endif

typedef float vf __attribute__((vector_size(LANES * 4)));

void SCORES(const float *const *rows, int d, const float *packed, const float *half, int kp,
            float *out) {
  const size_t panel = (size_t)d * LANES;
  int j = 0;
  for (; j + 2 * LANES <= kp; j += 2 * LANES) {
    const float *p0 = packed + (size_t)(j / LANES) * panel;
    const float *p1 = p0 + panel;
    vf acc0[ROWS];
    vf acc1[ROWS];
#pragma GCC unroll 16
    for (int r = 0; r < ROWS; r++) {
      acc0[r] = (vf){0};
      acc1[r] = (vf){0};
    }
    for (int t = 0; t < d; t++) {
      const vf w0 = *(const vf *)(p0 + (size_t)t * LANES);
      const vf w1 = *(const vf *)(p1 + (size_t)t * LANES);
#pragma GCC unroll 16
      for (int r = 0; r < ROWS; r++) {
        const vf b = rows[r][t] - (vf){0};
        acc0[r] += b * w0;
        acc1[r] += b * w1;
      }
    }
    const vf h0 = *(const vf *)(half + j);
    const vf h1 = *(const vf *)(half + j + LANES);
#pragma GCC unroll 16
    for (int r = 0; r < ROWS; r++) {
      *(vf *)(out + (size_t)r * kp + j) = h0 - acc0[r];
      *(vf *)(out + (size_t)r * kp + j + LANES) = h1 - acc1[r];
    }
  }
  if (j < kp) {
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
