#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Node 20 runs WebAssembly relaxed SIMD (the kernels' fused multiply-add build) only behind this
// flag; later versions always do. It must be set before the kernels are compiled, so main is
// imported after it. Results are the same either way (tested); only speed differs.
if (process.versions.node.startsWith('20.')) setFlagsFromString('--experimental-wasm-relaxed-simd');
const { main } = await import('./main.js');

process.exitCode = await main(process.argv.slice(2));
