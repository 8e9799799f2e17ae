import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { isGzip } from '../../data/parse-file.js';
import { parseNumber } from '../../data/table.js';
import { ValidationError } from '../../errors.js';
import {
  adjustedRandScore,
  contingencyMatrix,
  homogeneityCompletenessVMeasure,
  type Label,
  normalizedMutualInfoScore,
  purityScore,
} from '../../metrics/index.js';
import { headerFlag, parseCommand } from '../args.js';
import { UsageError } from '../errors.js';
import { readInput, type Streams } from '../io.js';

export const EVALUATE_USAGE =
  'usage: lloyd evaluate --truth FILE|dataset:NAME --pred FILE [--header|--no-header] [--json]';

/** Labels read from a file or dataset. */
async function readLabels(
  spec: string,
  flag: string,
  header: boolean | undefined,
): Promise<Label[]> {
  if (spec.startsWith('dataset:')) {
    const data = await readInput(spec);
    if (!data.labels) throw new ValidationError(flag, `${spec} has no labels`);
    return data.labels;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(spec);
    if (isGzip(bytes)) bytes = gunzipSync(bytes);
  } catch (error) {
    throw new ValidationError(
      flag,
      `${spec}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const labels = parseLabels(new TextDecoder().decode(bytes), header);
  if (labels.length === 0) throw new ValidationError(flag, `${spec}: holds no labels`);
  return labels;
}

const isNumber = (field: string) => parseNumber(field) !== undefined;

/**
 * Labels from text: one per line, or the last field of `id,label` lines. The first line is a
 * header when `header` says so; left to guess (undefined), when it is not a number while the
 * line after it is (in its label or id field), or, for class names, when its value appears on no
 * other line (a class is rarely a single row; --header / --no-header settle a wrong guess).
 */
export function parseLabels(text: string, header: boolean | undefined): Label[] {
  const lines = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(/[,\t]/).map((f) => f.trim()));
  const fields = lines.map((line) => line[line.length - 1]);
  const skip =
    header ??
    (lines.length >= 2 &&
      !isNumber(fields[0]) &&
      (isNumber(fields[1]) ||
        lines[0].some(
          (f, j) => !isNumber(f) && lines[1][j] !== undefined && isNumber(lines[1][j]),
        ) ||
        !fields.includes(fields[0], 1)));
  if (skip) fields.shift();
  return fields.every(isNumber) ? fields.map(Number) : fields;
}

/** `lloyd evaluate`: compares predicted clusters with true classes. */
export async function evaluateCommand(args: string[], io: Streams): Promise<void> {
  const { values } = parseCommand(
    args,
    {
      truth: { type: 'string' },
      pred: { type: 'string' },
      json: { type: 'boolean' },
      header: { type: 'boolean' },
      'no-header': { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    EVALUATE_USAGE,
  );
  if (values.help) {
    io.stdout.write(`${EVALUATE_USAGE}\n`);
    return;
  }
  if (!values.truth || !values.pred)
    throw new UsageError('--truth and --pred are both required', EVALUATE_USAGE);
  const header = headerFlag(values, EVALUATE_USAGE);
  const truth = await readLabels(values.truth as string, '--truth', header);
  const pred = await readLabels(values.pred as string, '--pred', header);
  if (truth.length !== pred.length)
    throw new ValidationError(
      '--pred',
      `${values.pred} holds ${pred.length} labels but --truth (${values.truth}) holds ${truth.length}`,
    );
  const table = contingencyMatrix(truth, pred);
  const hcv = homogeneityCompletenessVMeasure(truth, pred);
  const report = {
    n: truth.length,
    contingency: table,
    purity: purityScore(truth, pred),
    purityPerCluster: purityScore(truth, pred, { perCluster: true }),
    adjustedRandScore: adjustedRandScore(truth, pred),
    normalizedMutualInfoScore: normalizedMutualInfoScore(truth, pred),
    homogeneity: hcv.homogeneity,
    completeness: hcv.completeness,
    vMeasure: hcv.vMeasure,
  };
  if (values.json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const width = Math.max(5, ...table.classes.map((c) => String(c).length));
  const cell = (v: string | number) => String(v).padStart(6);
  const lines = [
    `lloyd evaluate: ${report.n} samples, ${table.classes.length} classes, ${table.clusters.length} clusters`,
    '',
    `${'class'.padEnd(width)} ${table.clusters.map(cell).join('')}`,
    ...table.matrix.map(
      (row, i) => `${String(table.classes[i]).padEnd(width)} ${row.map(cell).join('')}`,
    ),
    `${'purity'.padEnd(width)} ${report.purityPerCluster.map((p) => cell(p.toFixed(2))).join('')}`,
    '',
    `purity        ${report.purity.toFixed(4)}`,
    `ARI           ${report.adjustedRandScore.toFixed(4)}`,
    `NMI           ${report.normalizedMutualInfoScore.toFixed(4)}`,
    `homogeneity   ${report.homogeneity.toFixed(4)}`,
    `completeness  ${report.completeness.toFixed(4)}`,
    `V-measure     ${report.vMeasure.toFixed(4)}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
}
