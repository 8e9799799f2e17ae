import { sumBlockRows } from '../../kernels/blocks.js';
import { integerFlag, parseCommand } from '../args.js';
import { UsageError } from '../errors.js';
import type { Streams } from '../io.js';

export const BLOCKS_USAGE = 'usage: lloyd blocks --total-rows N [--shards S]';

/**
 * `lloyd blocks`: where shards of an N-row matrix may start. Prints one line of JSON: the rows
 * per block, the number of blocks, and with --shards the first row of S shards of whole blocks,
 * as even as whole blocks allow (a shard's first row for `lloyd pass --first-row`).
 */
export function blocksCommand(args: string[], io: Streams): void {
  const { values } = parseCommand(
    args,
    {
      'total-rows': { type: 'string' },
      shards: { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    BLOCKS_USAGE,
  );
  if (values.help) {
    io.stdout.write(`${BLOCKS_USAGE}\n`);
    return;
  }
  const totalRows = integerFlag(values['total-rows'], '--total-rows', BLOCKS_USAGE);
  if (totalRows === undefined)
    throw new UsageError('--total-rows N (the rows of the whole matrix) is required', BLOCKS_USAGE);
  const blockRows = sumBlockRows(totalRows);
  const blocks = Math.ceil(totalRows / blockRows);
  const shards = integerFlag(values.shards, '--shards', BLOCKS_USAGE);
  const report: Record<string, unknown> = { totalRows, blockRows, blocks };
  if (shards !== undefined) {
    if (shards > blocks)
      throw new UsageError(
        `--shards must be at most the ${blocks} blocks of ${totalRows} rows; got ${shards}`,
        BLOCKS_USAGE,
      );
    // Shard s starts at block floor(s * blocks / shards): sizes differ by one block at most.
    report.firstRows = Array.from(
      { length: shards },
      (_, s) => Math.floor((s * blocks) / shards) * blockRows,
    );
  }
  io.stdout.write(`${JSON.stringify(report)}\n`);
}
