import { describeLayout, type TextLayout } from '../data/sniff.js';
import type { Streams } from './io.js';

/** Notes on how the input was read: on stderr with --verbose, nowhere otherwise. */
export function noteWriter(io: Streams, verbose: boolean) {
  return {
    /** How a text file was split: its delimiter (sniffed or not) and the lines skipped. */
    layout(input: string, layout: TextLayout): void {
      if (verbose) io.stderr.write(`lloyd: read ${input} as ${describeLayout(layout)}\n`);
    },
  };
}
