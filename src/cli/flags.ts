import { delimiterName, SNIFFED_DELIMITERS } from '../data/sniff.js';
import { INIT_NAMES } from '../kmeans/init.js';
import { METRIC_NAMES } from '../kmeans/metric-strategies.js';
import type { FlagSpec } from './args.js';

/** The flags every command has. */
export const COMMON_FLAGS = {
  debug: { type: 'boolean', help: 'show the stack trace of an error' },
  help: { type: 'boolean', short: 'h', help: 'show this help and exit' },
} as const satisfies Record<string, FlagSpec>;

/** The flags of the commands that print a result: as JSON, and with notes on stderr. */
export const REPORT_FLAGS = {
  json: { type: 'boolean', help: 'print the result as one line of JSON instead of text' },
  verbose: {
    type: 'boolean',
    help: 'say on stderr how the input was read, and show progress a line per iteration when piped',
  },
} as const satisfies Record<string, FlagSpec>;

/** The flags that say how an input file is read; shared by the commands that read data. */
export const READ_FLAGS = {
  columns: {
    type: 'string',
    value: 'A,B',
    help: 'the feature columns, by header name or 0-based index',
    default: 'every column but --label-column',
  },
  'label-column': {
    type: 'string',
    value: 'NAME',
    help: 'a column kept apart as the true classes: never a feature, scored against the clusters',
  },
  delimiter: {
    type: 'string',
    value: 'C',
    help: "the field delimiter: one character, tab (or \\t), or whitespace (or ' ') for runs of blanks",
    default: `sniffed from the first lines: ${SNIFFED_DELIMITERS.map(delimiterName).join(', ')}`,
  },
  'skip-rows': {
    type: 'string',
    value: 'N',
    help: 'lines to skip before the table (its header or first row)',
    default: 'sniffed: a metadata line above the table, such as "150,4,setosa,...", is skipped',
  },
  comment: {
    type: 'string',
    value: 'TEXT',
    help: "skip lines that start with TEXT, such as '#'",
    default: 'none',
  },
  header: { type: 'boolean', help: 'the first line names the columns' },
  'no-header': {
    type: 'boolean',
    help: 'the first line is data',
    default: 'detected: the first line is a header when none of its fields is a number',
  },
  dtype: {
    type: 'string',
    value: 'TYPE',
    choices: ['float64', 'float32'],
    help: "the element type X is held and fitted in: float32 halves memory and runs faster; float64 gives scikit-learn's answers",
    default: 'float64',
  },
  ...REPORT_FLAGS,
  ...COMMON_FLAGS,
} as const satisfies Record<string, FlagSpec>;

/** The flags that prepare the columns before a fit; a saved model records what they did. */
export const PREPARE_FLAGS = {
  'drop-id': {
    type: 'boolean',
    help: 'leave out columns that look like row ids (whole numbers, strictly increasing or decreasing); without it they are kept with a warning',
  },
  standardize: {
    type: 'boolean',
    help: 'scale each column to zero mean and unit variance before fitting (the centroids are also shown in the original units)',
  },
  minmax: {
    type: 'boolean',
    help: 'scale each column to [0, 1] before fitting (the centroids are also shown in the original units)',
  },
} as const satisfies Record<string, FlagSpec>;

/** The flags of how k-means starts and runs, shared by `fit` and `elbow`. */
export const CLUSTER_FLAGS = {
  init: {
    type: 'string',
    value: 'HOW',
    choices: [...INIT_NAMES, 'FILE'],
    help: 'how the first centroids are chosen, or a file of k starting centroids',
    default: 'k-means++',
  },
  metric: {
    type: 'string',
    value: 'NAME',
    choices: METRIC_NAMES,
    help: 'the distance: euclidean is k-means, manhattan k-medians, cosine spherical k-means',
    default: 'euclidean',
  },
  'n-init': {
    type: 'string',
    value: 'N',
    help: 'restarts from new first centroids; the lowest inertia wins',
    default: "1 for k-means++ and k-means||, 10 for random (scikit-learn's 'auto')",
  },
  seed: {
    type: 'string',
    value: 'N',
    help: 'the random seed (an integer >= 0): the same seed gives the same answer',
    default: 'a new seed each run',
  },
  plot: { type: 'string', value: 'FILE', help: 'draw the result to a .png or .svg file' },
} as const satisfies Record<string, FlagSpec>;
