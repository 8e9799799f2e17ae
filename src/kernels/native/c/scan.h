// The fast scan: scores of rows against every centre, in float32, by a register-blocked product
// of ROWS rows by two panels of LANES centres. scan.c is compiled once per instruction set
// (AVX-512, AVX2 with FMA, baseline SSE2), each with its LANES, ROWS and name; dispatch.c picks
// one at load time. A score may be fused or not, summed in any order: the exact settle only
// needs it within the scan's rounding bound (see exact.h), which every build keeps.
#pragma once

/**
 * Scores of `count` rows (1 to rows_per_tile; the tile padded with the last) into `out`
 * (rows_per_tile x kp float32): half[j] − x·c_j. `packed`: the centres as [kp / lanes][d][lanes]
 * float32, zeros past k; `half`: half their squared norms, +Infinity past k; kp a multiple of
 * `lanes`.
 */
typedef void (*lloyd_scores_fn)(const float *const *rows, int d, const float *packed,
                                const float *half, int kp, float *out);

/**
 * The lowest of `k` scores (its first index into *best) and the second lowest (the lowest again
 * when it occurs twice).
 */
typedef void (*lloyd_best2_fn)(const float *scores, int k, int *best, float *lowest, float *runnerUp);

void lloyd_best2_avx512(const float *scores, int k, int *best, float *lowest, float *runnerUp);
void lloyd_best2_avx2(const float *scores, int k, int *best, float *lowest, float *runnerUp);
void lloyd_best2_base(const float *scores, int k, int *best, float *lowest, float *runnerUp);

/** Rows per tile of each build (scan.c's ROWS). */
extern const int lloyd_tile_avx512, lloyd_tile_avx2, lloyd_tile_base;

void lloyd_scores_avx512(const float *const *rows, int d, const float *packed, const float *half,
                         int kp, float *out);
void lloyd_scores_avx2(const float *const *rows, int d, const float *packed, const float *half,
                       int kp, float *out);
void lloyd_scores_base(const float *const *rows, int d, const float *packed, const float *half,
                       int kp, float *out);
