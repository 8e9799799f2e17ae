// The exact arithmetic of a pass, in the order the WebAssembly kernels and the reference backend
// use (src/kernels/wasm/assembly/distances.ts, sums.ts, scan.ts): compiled with
// -ffp-contract=off, so no multiply and add is fused and every result is theirs, bit for bit.
#pragma once
#include <stdint.h>

/** Squared distance from a float32 row to a float64 centre (lanes t mod 4: (s0 + s2) + (s1 + s3), then the tail). */
double lloyd_distance_f32(const float *row, const double *centre, int d);
/**
 * lloyd_distance_f32 of `count` (at most 8) rows each to its own centre, into out: the one
 * implementation of that order (the single-row form calls it), the rows' chains interleaved
 * (independent, so they overlap where one row's would wait on its own additions).
 */
void lloyd_distances_f32(const float *const *rows, const double *const *centres, int count, int d,
                         double *out);
/** As lloyd_distance_f32 for a float64 row. */
double lloyd_distance_f64(const double *row, const double *centre, int d);

/**
 * Adds w·x of row i (float32 or float64 by `f32`) to the partial sums of `label` in the row's
 * block (i / blockRows), and w to that cluster's weight; `weights` NULL: every weight is 1.
 */
void lloyd_add_to_block(const void *row, int f32, int i, int d, const double *weights, int k,
                        double *sums, double *clusterWeights, int blockRows, int label);

/** The float32 scan's rounding bound for a float32 row (scan.ts: boundF32). */
double lloyd_bound_f32(int d, double xnorm, double cnMax, double margin);
/**
 * The bfloat16 pre-scan's bound for a float32 row (scan-bf16.c): as lloyd_bound_f32 for scores
 * from values rounded to bfloat16, flushed below float32's normal range, summed in float32.
 * Given only rows and centres whose squared norms are at most LLOYD_BF16_LIMIT.
 */
double lloyd_bound_bf16(int d, double xnorm, double cnMax);
/** 2^80: the squared norms the bfloat16 scan takes (products stay far inside float32's range). */
#define LLOYD_BF16_LIMIT 1.2089258196146292e24
/** The bound for a float64 row scanned from its float32 copy (scan.ts: mixedBound). */
double lloyd_bound_mixed(int d, double xnorm, double cnMax);
/** Whether a float64 row is scanned from a float32 copy (scan.ts: scannedInF32). */
int lloyd_scanned_in_f32(double xnorm, double cnMax);
