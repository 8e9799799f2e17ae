import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { planOutput } from '../../data/node/output.js';
import { ValidationError } from '../../errors.js';
import { writeReport } from '../../report/report.js';
import { commandHelp, type FlagTable, parseCommand } from '../args.js';
import { COMMON_FLAGS } from '../flags.js';
import type { Streams } from '../io.js';

export const REPORT_USAGE = 'usage: lloyd report [--out report/]';

/** Every flag of `lloyd report`. */
export const REPORT_COMMAND_FLAGS = {
  out: {
    type: 'string',
    value: 'DIR',
    help: 'the folder the report is written to',
    default: 'report',
  },
  ...COMMON_FLAGS,
} as const satisfies FlagTable;

/** `lloyd report` (also `npm start`): the tutorial's experiments, end to end, checked against scikit-learn. */
export async function reportCommand(args: string[], io: Streams): Promise<void> {
  const { values } = parseCommand(args, REPORT_COMMAND_FLAGS, REPORT_USAGE);
  if (values.help) {
    io.stdout.write(
      commandHelp(
        REPORT_USAGE,
        "Runs the k-means tutorial's experiments on the bundled data, beside scikit-learn's answers, and writes them as a web page.",
        REPORT_COMMAND_FLAGS,
      ),
    );
    return;
  }
  const directory = (values.out as string | undefined) ?? 'report';
  checkReportFolder(directory);
  const started = performance.now();
  const result = await writeReport(directory, (step) =>
    io.stderr.write(`lloyd report: ${step}...\n`),
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.stdout.write(
    `lloyd report: ${result.sections.length} sections in ${seconds} s\n  ${directory}/index.html (self-contained)\n  ${directory}/README.md (pictures beside it)\n`,
  );
}

/**
 * Checks --out before the report's work (about 20 s): an existing folder must take its files (none
 * read-only); a new one must be creatable in the nearest folder that exists.
 */
function checkReportFolder(directory: string): void {
  const fail = (why: string): never => {
    throw new ValidationError('--out', `${directory}: ${why}`);
  };
  let at = resolve(directory);
  for (;;) {
    let isFolder: boolean;
    try {
      isFolder = statSync(at).isDirectory();
    } catch {
      at = dirname(at);
      continue;
    }
    if (!isFolder) fail(at === resolve(directory) ? 'is a file; name a folder' : `${at} is a file`);
    break;
  }
  if (at === resolve(directory)) {
    for (const file of ['index.html', 'README.md']) planOutput(join(directory, file), '--out');
    return;
  }
  try {
    accessSync(at, constants.W_OK | constants.X_OK);
  } catch (error) {
    fail(`cannot be created: ${at} is not writable (${(error as NodeJS.ErrnoException).code})`);
  }
}
