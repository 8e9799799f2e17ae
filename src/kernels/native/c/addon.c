// The Node-API module: lloyd's native kernels, called as the WebAssembly kernels are, with
// (frame, start, end, scratch) over the same memory. Each thread attaches the memory once
// (attach(view)): a shared WebAssembly memory never moves when it grows, so its address holds.
// The scan build is picked once per process from what the CPU has (LLOYD_NATIVE_ISA may ask
// for a lower one: 'avx512' without the bfloat16 pre-scan, 'avx2' or 'baseline'; the tests run
// each). LLOYD_NATIVE_BF16=always runs the bfloat16 pre-scan on every float32 pass, whatever its
// size, so that tests reach its settles with small data.
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"

static __thread uint8_t *memory_base;

static lloyd_scan_build scan_build;
static pthread_once_t picked = PTHREAD_ONCE_INIT;

#if defined(__x86_64__)
static void pick_build(void) {
  const char *asked = getenv("LLOYD_NATIVE_ISA");
  __builtin_cpu_init();
  const int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
  const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const int bf16 = avx512 && __builtin_cpu_supports("avx512bf16");
  const int want_baseline = asked && strcmp(asked, "baseline") == 0;
  const int want_avx2 = asked && strcmp(asked, "avx2") == 0;
  const int want_avx512 = asked && strcmp(asked, "avx512") == 0;
  const char *always = getenv("LLOYD_NATIVE_BF16");
  const int bf16_mode =
      always && strcmp(always, "always") == 0 ? LLOYD_BF16_ALWAYS : LLOYD_BF16_LARGE;
  if (bf16 && !want_baseline && !want_avx2 && !want_avx512)
    scan_build = (lloyd_scan_build){lloyd_scores_avx512, lloyd_best2_avx512, 16, lloyd_tile_avx512,
                                    "avx512-bf16", bf16_mode};
  else if (avx512 && !want_baseline && !want_avx2)
    scan_build = (lloyd_scan_build){lloyd_scores_avx512, lloyd_best2_avx512, 16, lloyd_tile_avx512,
                                    "avx512", LLOYD_BF16_OFF};
  else if (avx2 && !want_baseline)
    scan_build = (lloyd_scan_build){lloyd_scores_avx2, lloyd_best2_avx2, 8, lloyd_tile_avx2, "avx2",
                                    LLOYD_BF16_OFF};
  else
    scan_build = (lloyd_scan_build){lloyd_scores_base, lloyd_best2_base, 4, lloyd_tile_base,
                                    "baseline", LLOYD_BF16_OFF};
}
#else
/* arm64: NEON is in every such CPU. */
static void pick_build(void) {
  scan_build = (lloyd_scan_build){lloyd_scores_neon, lloyd_best2_neon, 4, lloyd_tile_neon, "neon",
                                  LLOYD_BF16_OFF};
}
#endif

static napi_value undefined_value(napi_env env) {
  napi_value value;
  napi_get_undefined(env, &value);
  return value;
}

/** attach(view): the memory the kernels of this thread run over (a view of its whole buffer). */
static napi_value attach(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_typedarray_type type;
  size_t length;
  void *data = NULL;
  napi_value buffer;
  size_t offset;
  if (argc < 1 ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset) != napi_ok ||
      data == NULL) {
    napi_throw_type_error(env, NULL, "lloyd native: attach(view) needs a typed array");
    return NULL;
  }
  memory_base = (uint8_t *)data;
  return undefined_value(env);
}

static napi_value centres_changed(napi_env env, napi_callback_info info) {
  (void)info;
  lloyd_centres_changed();
  return undefined_value(env);
}

static napi_value run_assign(napi_env env, napi_callback_info info, int f32) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t frame = 0;
  int32_t start = 0, end = 0;
  if (argc < 3 || memory_base == NULL || napi_get_value_uint32(env, argv[0], &frame) != napi_ok ||
      napi_get_value_int32(env, argv[1], &start) != napi_ok ||
      napi_get_value_int32(env, argv[2], &end) != napi_ok) {
    napi_throw_error(env, NULL, "lloyd native: a kernel call needs (frame, start, end) after attach");
    return NULL;
  }
  lloyd_assign_sum(memory_base, frame, start, end, f32, &scan_build);
  return undefined_value(env);
}

static napi_value assign_sum_f32(napi_env env, napi_callback_info info) {
  return run_assign(env, info, 1);
}

static napi_value assign_sum_f64(napi_env env, napi_callback_info info) {
  return run_assign(env, info, 0);
}

NAPI_MODULE_INIT() {
  pthread_once(&picked, pick_build);
  napi_property_descriptor properties[] = {
      {"attach", NULL, attach, NULL, NULL, NULL, napi_default, NULL},
      {"centresChanged", NULL, centres_changed, NULL, NULL, NULL, napi_default, NULL},
      {"assignSumF32", NULL, assign_sum_f32, NULL, NULL, NULL, napi_default, NULL},
      {"assignSumF64", NULL, assign_sum_f64, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  napi_value isa;
  napi_create_string_utf8(env, scan_build.name, NAPI_AUTO_LENGTH, &isa);
  napi_set_named_property(env, exports, "isa", isa);
  return exports;
}
