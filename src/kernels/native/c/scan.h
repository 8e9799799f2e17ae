// The fast scan: scores of rows against every centre, in float32, by a register-blocked product
// of ROWS rows by two panels of LANES centres. scan.c is compiled once per instruction set
// (AVX-512, AVX2 with FMA, baseline SSE2; NEON on arm64), each with its LANES, ROWS and name; addon.c picks
// one at load time. A score may be fused or not, summed in any order: the exact settle only
// needs it within the scan's rounding bound (see exact.h), which every build keeps.
#pragma once
#include <stdint.h>

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

/* arm64: the NEON build (4 lanes, and 32 vector registers for a taller tile). */
void lloyd_best2_neon(const float *scores, int k, int *best, float *lowest, float *runnerUp);
extern const int lloyd_tile_neon;
void lloyd_scores_neon(const float *const *rows, int d, const float *packed, const float *half,
                       int kp, float *out);

/*
 * The bfloat16 pre-scan (scan-bf16.c; AVX512-BF16 only). Rows and centres are given as pairs of
 * bfloat16 in a uint32 (the even index in the low half), pairs = ceil(d / 2), an odd d padded
 * with zero.
 */

/** Rows per tile of the bfloat16 scan. */
extern const int lloyd_tile_bf16;

/** Row `row` (d float32) as `pairs` bfloat16 pairs, each rounded to nearest even. */
void lloyd_bf16_pairs(const float *row, int d, uint32_t *pairs);

/** The first k of `centres` (k x d float32) as [kp / 16][pairs][16] bfloat16 pairs, zeros past k. */
void lloyd_pack_bf16(const float *centres, int k, int d, int kp, uint32_t *packed);

/**
 * As lloyd_scores_fn from bfloat16 pairs: out (rows_per_tile x kp) = half[j] − x·c_j, the
 * products of rounded values summed in float32. `packed` is 64-byte aligned.
 */
void lloyd_scores_bf16(const uint32_t *const *rows, int pairs, const uint32_t *packed,
                       const float *half, int kp, float *out);
