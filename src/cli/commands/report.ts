import { writeReport } from '../../report/report.js';
import { parseCommand } from '../args.js';
import type { Streams } from '../io.js';

export const REPORT_USAGE = 'usage: lloyd report [--out report/]';

/** `lloyd report` (also `npm start`): the tutorial's experiments, end to end, checked against scikit-learn. */
export async function reportCommand(args: string[], io: Streams): Promise<void> {
  const { values } = parseCommand(
    args,
    { out: { type: 'string' }, help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } },
    REPORT_USAGE,
  );
  if (values.help) {
    io.stdout.write(`${REPORT_USAGE}\n`);
    return;
  }
  const directory = (values.out as string | undefined) ?? 'report';
  const started = performance.now();
  const result = await writeReport(directory, (step) =>
    io.stderr.write(`lloyd report: ${step}...\n`),
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.stdout.write(
    `lloyd report: ${result.sections.length} sections in ${seconds} s\n  ${directory}/index.html (self-contained)\n  ${directory}/README.md (pictures beside it)\n`,
  );
}
