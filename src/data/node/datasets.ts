import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../../errors.js';
import type { MatrixAllocator } from '../../matrix.js';
import { bundledDataset, DATASETS, type Dataset, imageDataset } from '../bundled.js';
import { readBytes } from './files.js';

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

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  dtype?: 'float64' | 'float32';
  /** Folder holding Fashion-MNIST's IDX files (train-images-idx3-ubyte.gz, ...). */
  fashionMnistDir?: string;
  /** For fashion-mnist: 'train' (60,000, default) or 'test' (10,000). */
  split?: 'train' | 'test';
  /** Makes X (default: a new matrix); `sharedMatrix` lets fits use it where it lies, uncopied. */
  allocate?: MatrixAllocator;
}

/**
 * Loads a dataset by name (Node): `iris`, `digits`, `mnist`, `fashion-mnist` or `blobs` (which
 * takes query parameters, e.g. `blobs?n=5000&d=8&centers=5&seed=1`).
 */
export async function loadDataset(
  spec: string,
  options: LoadDatasetOptions = {},
): Promise<Dataset> {
  if (spec.split('?', 1)[0] !== 'fashion-mnist') {
    const dir = bundledDataDir();
    const read = (file: string) => readBytes(join(dir, file));
    return bundledDataset(spec, read, options.dtype, options.allocate);
  }
  const folder = fashionFolder(options.fashionMnistDir);
  const prefix = options.split === 'test' ? 't10k' : 'train';
  const [images, labels] = await Promise.all([
    readBytes(join(folder, `${prefix}-images-idx3-ubyte.gz`)),
    readBytes(join(folder, `${prefix}-labels-idx1-ubyte.gz`)),
  ]);
  return imageDataset({
    name: 'fashion-mnist',
    description: DATASETS[3].description,
    images,
    labels,
    scale: true,
    targetNames: FASHION_CLASSES,
    dtype: options.dtype,
    allocate: options.allocate,
  });
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
