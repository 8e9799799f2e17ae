/**
 * The kernels' call frame, TypeScript side: every kernel takes (frame, start, end, scratch) and
 * reads its arguments from the frame's fields (src/kernels/wasm/assembly/frame.ts). The layout
 * and which fields each kernel reads are generated from the AssemblyScript sources by
 * scripts/build-wasm.mjs, so a caller gives exactly the fields a kernel reads, by name: a
 * missing field, an unknown one or a misspelt one is a type error.
 */

import {
  FRAME_ADDRESS,
  FRAME_BYTES,
  FRAME_FIELDS,
  KERNEL_FIELDS,
} from './frame-layout.generated.js';

export { FRAME_ADDRESS };

/** Every kernel the module exports. */
export type KernelName = keyof typeof KERNEL_FIELDS;

/** The names of the frame fields kernel K reads. */
export type FrameFieldOf<K extends KernelName> = (typeof KERNEL_FIELDS)[K][number];

/** The arguments of kernel K: a number for each field it reads (pointers are byte offsets). */
export type FrameArgs<K extends KernelName> = { readonly [F in FrameFieldOf<K>]: number };

/** Every kernel's name, in a fixed order (the pool's commands are indices into it). */
export const KERNEL_NAMES = Object.keys(KERNEL_FIELDS) as KernelName[];

/**
 * Writes kernel K's arguments into the frame of the kernels memory `buffer`. Only the fields K
 * reads are written: a kernel never reads another's.
 */
export function writeFrame<K extends KernelName>(
  buffer: ArrayBufferLike,
  kernel: K,
  args: FrameArgs<K>,
): void {
  const view = new DataView(buffer, FRAME_ADDRESS, FRAME_BYTES);
  const fields: readonly FrameFieldOf<K>[] = KERNEL_FIELDS[kernel];
  for (const field of fields) {
    const { offset, type } = FRAME_FIELDS[field as keyof typeof FRAME_FIELDS];
    const value = args[field];
    if (type === 'f64') view.setFloat64(offset, value, true);
    else if (type === 'i32') view.setInt32(offset, value, true);
    else view.setUint32(offset, value, true);
  }
}
