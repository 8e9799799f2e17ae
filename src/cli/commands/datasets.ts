import { DATASETS } from '../../data/bundled.js';
import type { Streams } from '../io.js';

/** `lloyd datasets`: what `dataset:NAME` can load. */
export function datasetsCommand(_args: string[], io: Streams): void {
  const width = Math.max(...DATASETS.map((d) => d.name.length));
  const lines = DATASETS.map((d) => `  dataset:${d.name.padEnd(width)}  ${d.description}`);
  io.stdout.write(`Datasets (use as the input of fit, elbow or predict):\n${lines.join('\n')}\n`);
}
