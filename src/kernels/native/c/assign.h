// Lloyd's pass in native code: assembly/lloyd.ts's assignSum, over the same memory and frame.
#pragma once
#include <stdint.h>

#include "scan.h"

/** The scan build a process runs: its function, centres per panel and rows per tile. */
typedef struct {
  lloyd_scores_fn scores;
  lloyd_best2_fn best2;
  int lanes;
  int rows;
  const char *name;
  /**
   * The bfloat16 pre-scan for float32 rows (scan-bf16.c): LLOYD_BF16_OFF, or LLOYD_BF16_LARGE
   * (where a pass's centres and columns make it pay), or LLOYD_BF16_ALWAYS (tests).
   */
  int bf16;
} lloyd_scan_build;

enum { LLOYD_BF16_OFF = 0, LLOYD_BF16_LARGE = 1, LLOYD_BF16_ALWAYS = 2 };

/** The centres changed: every thread packs them again before its next scan. */
void lloyd_centres_changed(void);

/**
 * Rows [start, end) of the pass whose frame is at `frame` in the memory at `base`: each row's
 * nearest centre into labels, its squared distance into distances (unless 0), and with sums (not
 * 0) w·x added to its block's sums, rows in order. `f32`: rows are float32, else float64.
 */
void lloyd_assign_sum(uint8_t *base, uint32_t frame, int start, int end, int f32,
                      const lloyd_scan_build *scan);
