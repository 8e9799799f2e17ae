import { dropColumns, idLikeColumns } from '../data/id-columns.js';
import { sharedMatrix } from '../kernels/wasm/backend.js';
import type { Matrix } from '../matrix.js';
import { Scaler, type Scaling } from '../preprocessing/scalers.js';
import { UsageError } from './errors.js';
import type { CliData, ReadOptions } from './io.js';
import type { ModelInput } from './model-input.js';

/** How the columns are prepared before a fit (`--drop-id`, `--standardize`, `--minmax`). */
export interface PrepareOptions {
  dropId: boolean;
  scaling?: Scaling;
  /** Whether the user named the columns (--columns): they are then taken as meant. */
  columnsChosen: boolean;
}

/** The data a fit clusters, what a saved model records of it, and the warnings to print. */
export interface Prepared {
  data: CliData;
  /** X as fitted: scaled when a scaling was asked for, else the data's own. */
  X: Matrix;
  scaler?: Scaler;
  input: ModelInput;
  warnings: string[];
}

/**
 * Leaves out (or warns about) columns that look like row ids, then fits the scaling asked for.
 * The loaded data is never changed: a dropped column or a scaling makes a new matrix.
 */
export function prepareColumns(loaded: CliData, options: PrepareOptions): Prepared {
  let data = loaded;
  const warnings: string[] = [];
  // Columns named by the user are taken as meant; when every column looks like an id (sorted
  // whole numbers, one column of them say), the data is what it is.
  const found = options.columnsChosen ? [] : idLikeColumns(loaded.X);
  const ids = found.length < loaded.X.cols ? found : [];
  const idNames = ids.map((j) => loaded.columnNames[j]);
  const listed = ids.map((j) => `${j + 1} (${loaded.columnNames[j]})`).join(', ');
  if (ids.length > 0 && options.dropId)
    data = { ...loaded, ...dropColumns(loaded, ids, sharedMatrix) };
  else if (ids.length > 0)
    warnings.push(
      `column${ids.length === 1 ? '' : 's'} ${listed} look${ids.length === 1 ? 's' : ''} like a row id (whole numbers, strictly increasing or decreasing) and ${ids.length === 1 ? 'is' : 'are'} fitted as a feature; leave ${ids.length === 1 ? 'it' : 'them'} out with --drop-id or --columns`,
    );
  const dropped = data !== loaded;
  const input: ModelInput = { featureNames: data.columnNames };
  if (data.labelName !== undefined) input.labelColumn = data.labelName;
  if (dropped) input.droppedIdColumns = idNames;
  if (!options.scaling) return { data, X: data.X, input, warnings };
  const scaler = new Scaler(options.scaling).fit(data.X);
  const X = scaler.transform(data.X, {
    dtype: data.X.data instanceof Float32Array ? 'float32' : 'float64',
    allocate: sharedMatrix,
  });
  input.scaler = scaler.toJSON();
  return { data, X, scaler, input, warnings };
}

/** --drop-id, --standardize and --minmax, checked (one scaling at most). */
export function prepareFlags(
  values: Record<string, string | boolean | undefined>,
  read: ReadOptions,
  usage: string,
): PrepareOptions {
  if (values.standardize && values.minmax)
    throw new UsageError('--standardize and --minmax are two scalings; give one', usage);
  return {
    dropId: values['drop-id'] === true,
    scaling: values.standardize ? 'standardize' : values.minmax ? 'minmax' : undefined,
    columnsChosen: read.columns !== undefined,
  };
}
