/**
 * The parse worker: decompresses and parses one data file the user chose, off the page's thread,
 * and refuses one that decompresses past MAX_DATA_BYTES (a gzip bomb) before holding it.
 */

import { gunzip, type Matrix, parseDataFile } from 'lloyd';
import { csvDelimiter, dataFileKind, parseNumber } from 'lloyd/advanced';
import { type GeoPointCollection, pointsMatrix } from 'lloyd/geo';

/** The most bytes a data file may decompress to on this page. */
const MAX_DATA_BYTES = 512 * 2 ** 20;

export interface ParseRequest {
  name: string;
  bytes: Uint8Array;
  labelColumn: string;
}

/** A parsed file: what sources.ts's Source holds for data (never an image). */
export interface ParsedSource {
  name: string;
  X: Matrix;
  y?: number[];
  targetNames?: string[];
  featureNames: string[];
  note?: string;
  /** Rows are GeoJSON points' [longitude, latitude]: the page offers clustering on the globe. */
  lonLat?: boolean;
}

export type ParseReply =
  | { type: 'done'; source: ParsedSource }
  | { type: 'error'; message: string };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ParseRequest>) => void) | null;
  postMessage(message: ParseReply, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  parse(event.data).then(
    (source) => scope.postMessage({ type: 'done', source }, [source.X.data.buffer]),
    (error: Error) => scope.postMessage({ type: 'error', message: error.message }),
  );
};

async function parse({ name, bytes: raw, labelColumn }: ParseRequest): Promise<ParsedSource> {
  const bytes = await gunzip(raw, name, MAX_DATA_BYTES);
  if (bytes.length === 0) throw new Error(`${name}: the file is empty`);
  if (bytes.length > MAX_DATA_BYTES)
    throw new Error(
      `${name}: larger than ${MAX_DATA_BYTES / 2 ** 20} MiB, more than this page reads`,
    );
  if (/\.geojson(\.gz)?$/i.test(name)) return parseGeoJson(name, bytes);
  const kind = dataFileKind(name);
  const label = kind === 'csv' ? chooseLabelColumn(bytes, name, labelColumn) : undefined;
  const table = parseDataFile(name, bytes, { labelColumn: label });
  const source: ParsedSource = { name, X: table.X, featureNames: table.columnNames };
  if (table.labels) {
    const names = [...new Set(table.labels.map(String))];
    source.y = table.labels.map((v) => names.indexOf(String(v)));
    source.targetNames = names;
    source.note = `column ${JSON.stringify(table.labelName)} is used as the true classes`;
  }
  return source;
}

/**
 * A GeoJSON FeatureCollection of Points: each point a row of [longitude, latitude], clustered on
 * the plane of degrees as Turf's clustersKmeans does, and drawn as a map of points.
 */
function parseGeoJson(name: string, bytes: Uint8Array): ParsedSource {
  let points: unknown;
  try {
    points = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`${name}: not valid JSON (${(error as Error).message})`);
  }
  let X: Matrix;
  try {
    X = pointsMatrix(points as GeoPointCollection);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message.replace(/^points: /, '')}`);
  }
  return {
    name,
    X,
    featureNames: ['longitude', 'latitude'],
    note: 'GeoJSON points: each is a row of (longitude, latitude)',
    lonLat: true,
  };
}

/**
 * The label column: the one the user named, else the single column whose first data value is not
 * a number (iris's species), else none.
 */
function chooseLabelColumn(
  bytes: Uint8Array,
  name: string,
  given: string,
): string | number | undefined {
  const trimmed = given.trim();
  if (trimmed !== '') return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
  const head = new TextDecoder().decode(bytes.subarray(0, 64 * 1024));
  const lines = head.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length < 2) return undefined;
  const delimiter = csvDelimiter(name);
  const first = lines[0].split(delimiter);
  const headerless = first.every((f) => parseNumber(f) !== undefined);
  const row = (headerless ? lines[0] : lines[1]).split(delimiter);
  const text = row.map((f, j) => (parseNumber(f) === undefined ? j : -1)).filter((j) => j >= 0);
  if (text.length !== 1 || row.length < 2) return undefined;
  return text[0];
}
