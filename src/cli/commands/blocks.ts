import { sumBlockRows } from '../../kernels/blocks.js';
import { commandHelp, type FlagTable, integerFlag, parseCommand } from '../args.js';
import { UsageError } from '../errors.js';
import { COMMON_FLAGS } from '../flags.js';
import type { Streams } from '../io.js';

export const BLOCKS_USAGE = 'usage: lloyd blocks --total-rows N [--shards S]';

/** Every flag of `lloyd blocks`. */
export const BLOCKS_FLAGS = {
  'total-rows': { type: 'string', value: 'N', help: 'the rows of the whole matrix (required)' },
  shards: {
    type: 'string',
    value: 'S',
    help: 'also print the first row of each of S shards of whole blocks',
  },
  ...COMMON_FLAGS,
} as const satisfies FlagTable;

/**
 * `lloyd blocks`: where shards of an N-row matrix may start. Prints one line of JSON: the rows
 * per block, the number of blocks, and with --shards the first row of S shards of whole blocks,
 * as even as whole blocks allow (a shard's first row for `lloyd pass --first-row`).
 */
export function blocksCommand(args: string[], io: Streams): void {
  const { values } = parseCommand(args, BLOCKS_FLAGS, BLOCKS_USAGE);
  if (values.help) {
    io.stdout.write(
      commandHelp(
        BLOCKS_USAGE,
        'Where the shards of a distributed fit may start (whole blocks of rows), as one line of JSON.',
        BLOCKS_FLAGS,
      ),
    );
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
