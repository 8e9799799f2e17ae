#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Node 20 runs WebAssembly relaxed SIMD (the kernels' fused multiply-add build) only behind this
// flag; later versions always do. It must be set before the kernels are compiled, so main is
// imported after it. Results are the same either way (tested); only speed differs.
if (process.versions.node.startsWith('20.')) setFlagsFromString('--experimental-wasm-relaxed-simd');
const { main } = await import('./main.js');
const { removeTemporariesSync } = await import('../data/node/output.js');

// Standard output that takes no more: a reader that closed the pipe (`| head`) wanted no more, so
// the run ends quietly with 0, as a closed pipe ends `cat`; any other failure (ENOSPC on a full
// disk or /dev/full) is one line on stderr and exit 1. Either way no stack trace, and no
// temporary file of an output being written is left behind.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  removeTemporariesSync();
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(
    `lloyd: error: standard output: cannot be written (${error.code ?? error.message})\n`,
  );
  process.exit(1);
});
// Nothing is left to tell when stderr itself fails.
process.stderr.on('error', () => undefined);

process.exitCode = await main(process.argv.slice(2));
