import { describeValue, ValidationError } from '../errors.js';
import { type DType, MAX_MATRIX_VALUES, type Matrix, type MatrixAllocator } from '../matrix.js';
import { makeBlobs } from './blobs.js';
import { parseCsv } from './csv-text.js';
import { idxToMatrix, parseIdx } from './idx.js';
import { parseNumber } from './table.js';

/** A dataset ready to cluster, with its true classes when it has them. */
export interface Dataset {
  name: string;
  description: string;
  X: Matrix;
  /** True class of each row, as indices into `targetNames`. */
  y?: number[];
  targetNames?: string[];
  featureNames: string[];
  /** Height and width when each row is an image. */
  imageShape?: [number, number];
}

/** What `loadDataset` knows, for listings. */
export const DATASETS: readonly { name: string; description: string }[] = [
  {
    name: 'iris',
    description: "Fisher's iris: 150 flowers x 4 measurements (cm), 3 species. Bundled.",
  },
  {
    name: 'digits',
    description:
      "scikit-learn's digits: 1797 images of 8x8 pixels (values 0..16), 10 classes. Bundled.",
  },
  {
    name: 'mnist',
    description: '10,000 real MNIST digits: 28x28 pixels scaled to [0, 1], 10 classes. Bundled.',
  },
  {
    name: 'fashion-mnist',
    description:
      'Fashion-MNIST training images: 60,000 x 784 pixels in [0, 1], 10 classes. Needs the Debian package dataset-fashion-mnist or LLOYD_FASHION_MNIST_DIR.',
  },
  {
    name: 'blobs',
    description: 'Seeded Gaussian blobs: blobs?n=1000&d=2&centers=3&std=1&seed=0 (all optional).',
  },
];

/** The files of the bundled datasets, in the package's data/ folder (gzipped). */
export const BUNDLED_FILES = {
  iris: ['iris.csv.gz'],
  digits: ['digits-images.idx.gz', 'digits-labels.idx.gz'],
  mnist: ['mnist-10k-images.idx.gz', 'mnist-10k-labels.idx.gz'],
} as const;

const DIGIT_NAMES = Array.from({ length: 10 }, (_, i) => String(i));

/** Reads one bundled file by name, gunzipped. */
export type ReadBundledFile = (file: string) => Promise<Uint8Array>;

/**
 * Builds a bundled dataset (`iris`, `digits`, `mnist`) from its files, read by `read`, or
 * `blobs?...` from its parameters. Node reads the files from disk, a browser fetches them.
 */
export async function bundledDataset(
  spec: string,
  read: ReadBundledFile,
  dtype?: DType,
  allocate?: MatrixAllocator,
): Promise<Dataset> {
  const [name, query = ''] = spec.split('?', 2);
  switch (name) {
    case 'iris': {
      const text = new TextDecoder().decode(await read(BUNDLED_FILES.iris[0]));
      const table = parseCsv(text, { source: 'iris.csv', labelColumn: 'species', dtype, allocate });
      const species = (table.labels ?? []).map(String);
      const targetNames = [...new Set(species)];
      return {
        name,
        description: DATASETS[0].description,
        X: table.X,
        y: species.map((s) => targetNames.indexOf(s)),
        targetNames,
        featureNames: table.columnNames,
      };
    }
    case 'digits':
    case 'mnist': {
      const [images, labels] = BUNDLED_FILES[name];
      const [imageBytes, labelBytes] = await Promise.all([read(images), read(labels)]);
      return imageDataset({
        name,
        description: DATASETS[name === 'digits' ? 1 : 2].description,
        images: imageBytes,
        labels: labelBytes,
        scale: name === 'mnist',
        targetNames: DIGIT_NAMES,
        dtype,
        allocate,
      });
    }
    case 'blobs':
      return blobsDataset(new URLSearchParams(query), dtype, allocate);
    default:
      throw new ValidationError(
        'dataset',
        `unknown dataset ${JSON.stringify(name)}; bundled: ${DATASETS.map((d) => d.name).join(', ')}`,
      );
  }
}

/** A dataset of images from IDX bytes: rows of pixels (scaled by 1/255 when `scale`), and labels. */
export function imageDataset(parts: {
  name: string;
  description: string;
  images: Uint8Array;
  labels: Uint8Array;
  scale: boolean;
  targetNames: string[];
  dtype?: DType;
  allocate?: MatrixAllocator;
}): Dataset {
  const X = idxToMatrix(parseIdx(parts.images, `${parts.name} images`), {
    scale: parts.scale,
    dtype: parts.dtype,
    allocate: parts.allocate,
  });
  const y = Array.from(parseIdx(parts.labels, `${parts.name} labels`).data);
  const side = Math.round(Math.sqrt(X.cols));
  return {
    name: parts.name,
    description: parts.description,
    X,
    y,
    targetNames: parts.targetNames,
    featureNames: Array.from({ length: X.cols }, (_, j) => `pixel${j}`),
    imageShape: [side, side],
  };
}

function blobsDataset(params: URLSearchParams, dtype?: DType, allocate?: MatrixAllocator): Dataset {
  const number = (key: string, fallback: number): number => {
    const raw = params.get(key);
    if (raw === null) return fallback;
    const v = parseNumber(raw);
    if (v === undefined)
      throw new ValidationError('dataset', `blobs: ${key}=${describeValue(raw)} is not a number`);
    return v;
  };
  const [n, d] = [number('n', 1000), number('d', 2)];
  if (n * d > MAX_MATRIX_VALUES)
    throw new ValidationError(
      'dataset',
      `blobs: n=${params.get('n')} x d=${params.get('d') ?? d} is ${n * d} values; at most ${MAX_MATRIX_VALUES} fit in one matrix`,
    );
  const blobs = makeBlobs({
    nSamples: n,
    nFeatures: d,
    centers: number('centers', 3),
    clusterStd: number('std', 1),
    randomState: number('seed', 0),
    dtype,
    allocate,
  });
  const { X } = blobs;
  return {
    name: 'blobs',
    description: DATASETS[4].description,
    X,
    y: Array.from(blobs.y),
    targetNames: Array.from({ length: blobs.centers.rows }, (_, i) => `blob ${i}`),
    featureNames: Array.from({ length: X.cols }, (_, j) => `x${j}`),
  };
}
