import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { records, SNIFF_BYTES } from '../../data/csv-text.js';
import { isGzip } from '../../data/parse-file.js';
import { sniffLayout } from '../../data/sniff.js';
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
import { commandHelp, type FlagTable, headerFlag, parseCommand } from '../args.js';
import { UsageError } from '../errors.js';
import { COMMON_FLAGS } from '../flags.js';
import { readInput, type Streams } from '../io.js';

export const EVALUATE_USAGE =
  'usage: lloyd evaluate --truth FILE|dataset:NAME [--truth-column NAME] --pred FILE [flags]';

const EVALUATE_ABOUT =
  'Compares predicted clusters with true classes: the contingency table, purity, ARI, NMI, homogeneity, completeness and V-measure.';

/** Every flag of `lloyd evaluate`. */
export const EVALUATE_FLAGS = {
  truth: {
    type: 'string',
    value: 'FILE',
    help: 'the true classes: a file of labels (one a line, or id,label lines), a table with --truth-column, or dataset:NAME (required)',
  },
  'truth-column': {
    type: 'string',
    value: 'NAME',
    help: 'read the true classes from this column of the --truth table (by header name or 0-based index)',
  },
  pred: {
    type: 'string',
    value: 'FILE',
    help: 'the predicted clusters, as lloyd fit --labels-out writes them (required)',
  },
  json: { type: 'boolean', help: 'print the scores as one line of JSON instead of text' },
  header: { type: 'boolean', help: 'the label files start with a header line' },
  'no-header': {
    type: 'boolean',
    help: 'the label files have no header line',
    default: 'detected: a first line that is not a label like the others',
  },
  ...COMMON_FLAGS,
} as const satisfies FlagTable;

/** Labels read from a file or dataset; a dataset's classes by their names. */
async function readLabels(
  spec: string,
  flag: string,
  header: boolean | undefined,
): Promise<Label[]> {
  if (spec.startsWith('dataset:')) {
    const data = await readInput(spec);
    if (!data.labels) throw new ValidationError(flag, `${spec} has no labels`);
    const names = data.targetNames;
    return names ? data.labels.map((v) => names[Number(v)] ?? v) : data.labels;
  }
  const text = await readText(spec, flag);
  const labels = parseLabels(text, header);
  if (labels.length === 0) throw new ValidationError(flag, `${spec}: holds no labels`);
  return labels;
}

/** A file's text, gunzipped when it is gzip data; errors name the flag and file. */
async function readText(spec: string, flag: string): Promise<string> {
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
  return new TextDecoder().decode(bytes);
}

/**
 * One column of a table (a header line naming its columns; delimiter and metadata lines
 * sniffed as lloyd fit reads them), by name or 0-based index: numbers when all are.
 */
async function readLabelColumn(spec: string, flag: string, column: string): Promise<Label[]> {
  if (spec.startsWith('dataset:'))
    throw new ValidationError(
      `${flag}-column`,
      `applies to a table file; ${spec} has its own labels (drop ${flag}-column)`,
    );
  const text = await readText(spec, flag);
  const layout = sniffLayout(text.slice(0, SNIFF_BYTES), spec, { header: true });
  const rows = records(text, layout.delimiter, spec, { skipRows: layout.skipRows });
  const first = rows.next();
  if (first.done) throw new ValidationError(flag, `${spec}: holds no lines`);
  const names = first.value.record.map((name) => name.trim());
  let at = names.indexOf(column);
  if (at < 0 && /^\d+$/.test(column) && Number(column) < names.length) at = Number(column);
  if (at < 0)
    throw new ValidationError(
      `${flag}-column`,
      `${spec} has no column ${JSON.stringify(column)}; its columns are ${names.join(', ')}`,
    );
  const fields: string[] = [];
  for (const { record, line } of rows) {
    if (record.length !== names.length)
      throw new ValidationError(
        flag,
        `${spec}, line ${line}: has ${record.length} fields; the header has ${names.length}`,
      );
    fields.push(record[at].trim());
  }
  if (fields.length === 0) throw new ValidationError(flag, `${spec}: holds no labels`);
  return fields.every(isNumber) ? fields.map(Number) : fields;
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
  const { values } = parseCommand(args, EVALUATE_FLAGS, EVALUATE_USAGE);
  if (values.help) {
    io.stdout.write(commandHelp(EVALUATE_USAGE, EVALUATE_ABOUT, EVALUATE_FLAGS));
    return;
  }
  if (!values.truth || !values.pred)
    throw new UsageError('--truth and --pred are both required', EVALUATE_USAGE);
  const header = headerFlag(values, EVALUATE_USAGE);
  const truthColumn = values['truth-column'] as string | undefined;
  const truth =
    truthColumn === undefined
      ? await readLabels(values.truth as string, '--truth', header)
      : await readLabelColumn(values.truth as string, '--truth', truthColumn);
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
