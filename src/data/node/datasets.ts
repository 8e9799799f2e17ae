import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeValue, ValidationError } from '../../errors.js';
import type { Matrix } from '../../matrix.js';
import { makeBlobs } from '../blobs.js';
import { readCsv, readIdx, readIdxValues } from './files.js';

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

/** The folder of bundled data files (data/ at the package root, beside src/ and dist/). */
export function bundledDataDir(): string {
  return fileURLToPath(new URL('../../../data/', import.meta.url));
}

const FASHION_DIRS = ['/usr/share/datasets/fashion-mnist'];
const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
const DIGIT_NAMES = Array.from({ length: 10 }, (_, i) => String(i));

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  dtype?: 'float64' | 'float32';
  /** Folder holding Fashion-MNIST's IDX files (train-images-idx3-ubyte.gz, ...). */
  fashionMnistDir?: string;
  /** For fashion-mnist: 'train' (60,000, default) or 'test' (10,000). */
  split?: 'train' | 'test';
}

/**
 * Loads a dataset by name: `iris`, `digits`, `mnist`, `fashion-mnist` or `blobs` (which takes
 * query parameters, e.g. `blobs?n=5000&d=8&centers=5&seed=1`).
 */
export async function loadDataset(
  spec: string,
  options: LoadDatasetOptions = {},
): Promise<Dataset> {
  const [name, query = ''] = spec.split('?', 2);
  const dir = bundledDataDir();
  const dtype = options.dtype;
  switch (name) {
    case 'iris': {
      const table = await readCsv(join(dir, 'iris.csv.gz'), { labelColumn: 'species', dtype });
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
      return imageDataset(
        name,
        DATASETS[1].description,
        join(dir, 'digits-images.idx.gz'),
        join(dir, 'digits-labels.idx.gz'),
        false,
        DIGIT_NAMES,
        dtype,
      );
    case 'mnist':
      return imageDataset(
        name,
        DATASETS[2].description,
        join(dir, 'mnist-10k-images.idx.gz'),
        join(dir, 'mnist-10k-labels.idx.gz'),
        true,
        DIGIT_NAMES,
        dtype,
      );
    case 'fashion-mnist': {
      const folder = fashionFolder(options.fashionMnistDir);
      const prefix = options.split === 'test' ? 't10k' : 'train';
      return imageDataset(
        name,
        DATASETS[3].description,
        join(folder, `${prefix}-images-idx3-ubyte.gz`),
        join(folder, `${prefix}-labels-idx1-ubyte.gz`),
        true,
        FASHION_CLASSES,
        dtype,
      );
    }
    case 'blobs': {
      const params = new URLSearchParams(query);
      const number = (key: string, fallback: number): number => {
        const raw = params.get(key);
        if (raw === null) return fallback;
        const v = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(v))
          throw new ValidationError(
            'dataset',
            `blobs: ${key}=${describeValue(raw)} is not a number`,
          );
        return v;
      };
      const blobs = makeBlobs({
        nSamples: number('n', 1000),
        nFeatures: number('d', 2),
        centers: number('centers', 3),
        clusterStd: number('std', 1),
        randomState: number('seed', 0),
      });
      const X =
        dtype === 'float32' ? { ...blobs.X, data: Float32Array.from(blobs.X.data) } : blobs.X;
      const targetNames = Array.from({ length: blobs.centers.rows }, (_, i) => `blob ${i}`);
      return {
        name,
        description: DATASETS[4].description,
        X,
        y: Array.from(blobs.y),
        targetNames,
        featureNames: Array.from({ length: X.cols }, (_, j) => `x${j}`),
      };
    }
    default:
      throw new ValidationError(
        'dataset',
        `unknown dataset ${JSON.stringify(name)}; bundled: ${DATASETS.map((d) => d.name).join(', ')}`,
      );
  }
}

function fashionFolder(given: string | undefined): string {
  // A folder the caller names is the only one looked in, so a mistake there is never masked.
  const candidates = given
    ? [given]
    : [process.env.LLOYD_FASHION_MNIST_DIR, ...FASHION_DIRS].filter((d): d is string => !!d);
  for (const dir of candidates) {
    if (existsSync(join(dir, 'train-images-idx3-ubyte.gz'))) return dir;
  }
  throw new ValidationError(
    'dataset',
    `fashion-mnist: no train-images-idx3-ubyte.gz in ${candidates.join(' or ')}. Install it (apt-get install dataset-fashion-mnist) or point LLOYD_FASHION_MNIST_DIR at a folder holding the four IDX .gz files.`,
  );
}

async function imageDataset(
  name: string,
  description: string,
  imagesPath: string,
  labelsPath: string,
  scale: boolean,
  targetNames: string[],
  dtype: 'float64' | 'float32' | undefined,
): Promise<Dataset> {
  const X = await readIdx(imagesPath, { scale, dtype });
  const y = await readIdxValues(labelsPath);
  const side = Math.round(Math.sqrt(X.cols));
  return {
    name,
    description,
    X,
    y,
    targetNames,
    featureNames: Array.from({ length: X.cols }, (_, j) => `pixel${j}`),
    imageShape: [side, side],
  };
}
