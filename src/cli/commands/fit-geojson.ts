import { readBytes } from '../../data/node/files.js';
import { ValidationError } from '../../errors.js';
import { clusterPoints } from '../../geo/clusters-kmeans.js';
import type { GeoPointCollection } from '../../geo/types.js';
import { commandHelp, type FlagTable, integerFlag, parseCommand, singleInput } from '../args.js';
import { COMMON_FLAGS } from '../flags.js';
import type { Streams } from '../io.js';
import { planCommandOutputs, writeCommandOutputs } from '../outputs.js';
import { formatNumber } from '../progress.js';

export const FIT_GEOJSON_USAGE =
  'usage: lloyd fit <points.geojson> [-k K] [--geodesic] [--seed N] [--max-iter N] [--out FILE.geojson|-] [--json]';

const FIT_GEOJSON_ABOUT =
  "Clusters a GeoJSON FeatureCollection of Points as Turf's clustersKmeans does, and writes it back with each feature's cluster and centroid in its properties.";

/** Every flag of `lloyd fit points.geojson`. */
export const FIT_GEOJSON_FLAGS = {
  clusters: {
    type: 'string',
    short: 'k',
    value: 'K',
    help: 'the number of clusters',
    default: "round(sqrt(points / 2)), as Turf's",
  },
  geodesic: {
    type: 'boolean',
    help: 'cluster by distance on the globe (points on a sphere) instead of on flat longitude/latitude',
  },
  seed: {
    type: 'string',
    value: 'N',
    help: 'the random seed (an integer >= 0): the same seed gives the same answer',
    default: 'a new seed each run',
  },
  'max-iter': { type: 'string', value: 'N', help: 'iterations at most', default: '300' },
  out: {
    type: 'string',
    value: 'FILE',
    help: 'write the clustered collection to FILE.geojson (- for stdout)',
    default: '-',
  },
  json: { type: 'boolean', help: 'print the summary as one line of JSON' },
  ...COMMON_FLAGS,
} as const satisfies FlagTable;

/** Flags of either form of `lloyd fit` whose value is a file name, not the input. */
const FILE_VALUED_FLAGS = new Set([
  '--out',
  '--labels-out',
  '--centroids-out',
  '--model-out',
  '--plot',
  '--init',
]);

/** Whether `lloyd fit` with these arguments reads its input as GeoJSON: a .geojson file, gzipped or not. */
export function hasGeoJsonInput(args: readonly string[]): boolean {
  return args.some(
    (arg, i) =>
      /\.geojson(\.gz)?$/i.test(arg) &&
      !arg.startsWith('-') &&
      (i === 0 || !FILE_VALUED_FLAGS.has(args[i - 1])),
  );
}

/**
 * `lloyd fit points.geojson`: clusters a FeatureCollection of Points as lloyd/geo's
 * clustersKmeans does (k defaults to Turf's round(sqrt(n / 2))) and writes the collection back
 * with `cluster` and `centroid` in each feature's properties: to --out (atomically), else to
 * standard output, the summary then going to stderr.
 */
export async function fitGeoJsonCommand(args: string[], io: Streams): Promise<void> {
  const { values, positionals } = parseCommand(args, FIT_GEOJSON_FLAGS, FIT_GEOJSON_USAGE);
  if (values.help) {
    io.stdout.write(commandHelp(FIT_GEOJSON_USAGE, FIT_GEOJSON_ABOUT, FIT_GEOJSON_FLAGS));
    return;
  }
  const input = singleInput(positionals, FIT_GEOJSON_USAGE);
  const numberOfClusters = integerFlag(values.clusters, '-k', FIT_GEOJSON_USAGE);
  const randomState = integerFlag(values.seed, '--seed', FIT_GEOJSON_USAGE, 0);
  const maxIter = integerFlag(values['max-iter'], '--max-iter', FIT_GEOJSON_USAGE);
  // The output is checked before the input is read: writable, and not the input itself.
  const target = planCommandOutputs(
    { out: values.out ?? '-' },
    ['out'],
    [input],
    FIT_GEOJSON_USAGE,
  ).get('out');
  if (!target) throw new Error('unreachable: --out defaults to standard output');
  const text = new TextDecoder().decode(await readBytes(input));
  let points: unknown;
  try {
    points = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(input, `not valid JSON (${(error as Error).message})`);
  }
  const started = performance.now();
  let result: ReturnType<typeof clusterPoints>;
  try {
    result = clusterPoints(points as GeoPointCollection, {
      numberOfClusters,
      geodesic: values.geodesic === true,
      randomState,
      maxIter,
      mutate: true,
    });
  } catch (error) {
    // The points are the input here: name the file instead.
    if (error instanceof ValidationError && error.parameter === 'points')
      throw new ValidationError(input, error.message.replace(/^points: /, ''));
    throw error;
  }
  const elapsedMs = performance.now() - started;
  await writeCommandOutputs([{ target, data: `${JSON.stringify(result.points)}\n` }], io);
  const report = target.fd === 1 ? io.stderr : io.stdout;
  const { centroids, inertia, nIter, converged } = result;
  if (values.json) {
    report.write(`${JSON.stringify({ centroids, inertia, nIter, converged })}\n`);
    return;
  }
  const sizes = centroids.map(() => 0);
  for (const label of result.labels) sizes[label]++;
  const lines = [
    `lloyd fit: ${input} (${result.labels.length} points), k=${centroids.length}, ${values.geodesic ? 'geodesic (great-circle)' : 'planar [longitude, latitude]'}`,
    `inertia ${formatNumber(inertia)} ${values.geodesic ? 'm² (squared chord distances)' : '(squared degrees)'}   iterations ${nIter}   converged ${converged ? 'yes' : 'no'}   time ${elapsedMs.toFixed(0)} ms`,
    '',
    'cluster  size  centroid (longitude, latitude)',
    ...centroids.map(
      ([lon, lat], j) =>
        `${String(j).padStart(7)}  ${String(sizes[j]).padStart(4)}  ${formatNumber(lon)}  ${formatNumber(lat)}`,
    ),
    '',
  ];
  report.write(lines.join('\n'));
}
