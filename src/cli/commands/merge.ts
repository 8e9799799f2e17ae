import { encodePartial } from '../../distributed/format.js';
import { mergePartials } from '../../distributed/merge.js';
import { ValidationError } from '../../errors.js';
import { commandHelp, type FlagTable, parseCommand } from '../args.js';
import { readPartial } from '../distributed-files.js';
import { UsageError } from '../errors.js';
import { COMMON_FLAGS } from '../flags.js';
import type { Streams } from '../io.js';
import { planCommandOutputs, writeCommandOutputs } from '../outputs.js';

export const MERGE_USAGE = 'usage: lloyd merge <part.bin>... [--out merged.bin]';

/** Every flag of `lloyd merge`. */
export const MERGE_FLAGS = {
  out: { type: 'string', value: 'FILE', help: 'write the merged partial to FILE', default: '-' },
  ...COMMON_FLAGS,
} as const satisfies FlagTable;

/**
 * `lloyd merge`: the reduce of a distributed fit. Partials (of shards, or merged already) merge
 * into one, the same bits whatever their grouping and order.
 */
export async function mergeCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(args, MERGE_FLAGS, MERGE_USAGE);
  if (values.help) {
    io.stdout.write(
      commandHelp(
        MERGE_USAGE,
        'Merges the partials of a distributed pass (docs/distributed.md) into one, the same bits in any order.',
        MERGE_FLAGS,
      ),
    );
    return;
  }
  if (positionals.length === 0) throw new UsageError('missing the partials to merge', MERGE_USAGE);
  const targets = planCommandOutputs({ out: values.out ?? '-' }, ['out'], positionals, MERGE_USAGE);
  const parts = [];
  for (const path of positionals) parts.push(await readPartial(path, path));
  let merged: ReturnType<typeof mergePartials>;
  try {
    merged = mergePartials(parts);
  } catch (error) {
    // Partials are numbered as given: name their files.
    if (error instanceof ValidationError && error.parameter === 'partials')
      throw new ValidationError(
        'merge',
        error.message
          .slice('partials: '.length)
          .replace(/partials? (\d+)(?: and (\d+))?/g, (_, a: string, b?: string) =>
            [a, b]
              .filter((n): n is string => n !== undefined)
              .map((n) => positionals[Number(n) - 1])
              .join(' and '),
          ),
      );
    throw error;
  }
  const target = targets.get('out');
  if (target) await writeCommandOutputs([{ target, data: encodePartial(merged) }], io);
}
