/**
 * The kernels' build over ordinary memory, made from the shared-memory build: the two compile
 * from the same source with the same features and differ only in the imported memory's limits
 * (shared, with a maximum, against neither), so shipping one and rewriting that import is exact.
 * test/unshared-build.test.ts checks the result against the build asc writes for ordinary memory,
 * byte for byte.
 */

/** Section ids and import kinds of the WebAssembly binary format that this rewrite reads. */
const IMPORT_SECTION = 2;
const KIND_FUNCTION = 0;
const KIND_TABLE = 1;
const KIND_MEMORY = 2;
const KIND_GLOBAL = 3;
/** Memory limits' flags: bit 0 a maximum follows, bit 1 shared. */
const HAS_MAXIMUM = 1;
const SHARED = 2;

/** A reader over the bytes, for the unsigned LEB128 numbers and names of the format. */
class Reader {
  at: number;
  constructor(
    readonly bytes: Uint8Array,
    at = 0,
  ) {
    this.at = at;
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('lloyd: truncated WebAssembly module');
    return this.bytes[this.at++];
  }
  unsigned(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }
  skipName(): void {
    const length = this.unsigned();
    this.at += length;
  }
  /** Skips limits (flags, initial, and the maximum when flagged); returns the flags. */
  skipLimits(): number {
    const flags = this.byte();
    this.unsigned();
    if (flags & HAS_MAXIMUM) this.unsigned();
    return flags;
  }
}

function unsignedBytes(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/**
 * `shared` with its shared memory import rewritten as ordinary memory with no maximum (what asc
 * emits without --sharedMemory). Throws where the module imports no shared memory.
 */
export function withUnsharedMemory(shared: Uint8Array): Uint8Array<ArrayBuffer> {
  const reader = new Reader(shared, 8);
  while (reader.at < shared.length) {
    const id = reader.byte();
    const sizeAt = reader.at;
    const size = reader.unsigned();
    const bodyAt = reader.at;
    if (id !== IMPORT_SECTION) {
      reader.at = bodyAt + size;
      continue;
    }
    const count = reader.unsigned();
    for (let i = 0; i < count; i++) {
      reader.skipName();
      reader.skipName();
      const kind = reader.byte();
      if (kind === KIND_FUNCTION) reader.unsigned();
      else if (kind === KIND_TABLE) {
        reader.byte();
        reader.skipLimits();
      } else if (kind === KIND_GLOBAL) reader.at += 2;
      else if (kind === KIND_MEMORY) {
        const limitsAt = reader.at;
        const flags = reader.skipLimits();
        if (!(flags & SHARED)) break;
        const initial = new Reader(shared, limitsAt + 1).unsigned();
        const limits = [0, ...unsignedBytes(initial)];
        const body = [
          ...shared.subarray(bodyAt, limitsAt),
          ...limits,
          ...shared.subarray(reader.at, bodyAt + size),
        ];
        const out = new Uint8Array(
          sizeAt + unsignedBytes(body.length).length + body.length + shared.length - bodyAt - size,
        );
        out.set(shared.subarray(0, sizeAt));
        out.set(unsignedBytes(body.length), sizeAt);
        out.set(body, sizeAt + unsignedBytes(body.length).length);
        out.set(shared.subarray(bodyAt + size), out.length - (shared.length - bodyAt - size));
        return out;
      } else break;
    }
    break;
  }
  throw new Error('lloyd: the kernels module imports no shared memory to rewrite');
}
