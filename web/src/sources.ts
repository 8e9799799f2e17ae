/** What the page clusters: a matrix with optional true classes, or the pixels of an image. */

import { BUNDLED_FILES, bundledDataset, type Dataset, gunzip, type Matrix } from 'lloyd';
import digitsImagesUrl from '../../data/digits-images.idx.gz?url';
import digitsLabelsUrl from '../../data/digits-labels.idx.gz?url';
import irisUrl from '../../data/iris.csv.gz?url';
import mnistImagesUrl from '../../data/mnist-10k-images.idx.gz?url';
import mnistLabelsUrl from '../../data/mnist-10k-labels.idx.gz?url';
import type { ParseReply, ParseRequest } from './parse.worker';

/** An image whose colours are clustered: its RGBA pixels at the size they were clustered. */
export interface SourceImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  /** The size of the file's image, before it was scaled down to cluster. */
  originalWidth: number;
  originalHeight: number;
}

/** Data ready to cluster. */
export interface Source {
  name: string;
  X: Matrix;
  y?: number[];
  targetNames?: string[];
  featureNames: string[];
  /** Height and width when each row is a small image (digits). */
  imageShape?: [number, number];
  /** Set when the rows are the pixels of one image (colour quantisation). */
  image?: SourceImage;
  /** What the page says about how the data was read. */
  note?: string;
  /** Rows are GeoJSON points' [longitude, latitude]: the page offers clustering on the globe. */
  lonLat?: boolean;
}

/** The bundled files as built assets (Vite hashes their names). */
const BUNDLED_URLS: Record<string, string> = {
  [BUNDLED_FILES.iris[0]]: irisUrl,
  [BUNDLED_FILES.digits[0]]: digitsImagesUrl,
  [BUNDLED_FILES.digits[1]]: digitsLabelsUrl,
  [BUNDLED_FILES.mnist[0]]: mnistImagesUrl,
  [BUNDLED_FILES.mnist[1]]: mnistLabelsUrl,
};

/** Loads a bundled dataset, fetching its files from this page's assets. */
export async function loadBundled(spec: string): Promise<Source> {
  const dataset: Dataset = await bundledDataset(spec, async (file) => {
    const url = BUNDLED_URLS[file];
    if (!url) throw new Error(`${file} is not among this page's assets`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
    return gunzip(new Uint8Array(await response.arrayBuffer()), file);
  });
  return dataset;
}

/** Images are scaled down to at most this many pixels on their longer side before clustering. */
const IMAGE_MAX_SIDE = 320;

/** Reads a file the user chose: an image (its pixels) or a data file (its rows). */
export async function loadFile(file: File, labelColumn: string): Promise<Source> {
  if (file.type.startsWith('image/') || /\.(png|jpe?g|gif|webp|bmp)$/i.test(file.name))
    return loadImage(file);
  return parseInWorker(file, labelColumn);
}

/**
 * Decompresses and parses a data file in a worker of its own, so the page never freezes on a
 * large file (or a gzip bomb, which the worker refuses past its size limit); the worker ends
 * with the file.
 */
async function parseInWorker(file: File, labelColumn: string): Promise<Source> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const worker = new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module' });
  try {
    const reply = await new Promise<ParseReply>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<ParseReply>) => resolve(event.data);
      worker.onerror = (event) => reject(new Error(`${file.name}: ${event.message}`));
      const request: ParseRequest = { name: file.name, bytes, labelColumn };
      worker.postMessage(request, [bytes.buffer]);
    });
    if (reply.type === 'error') throw new Error(reply.message);
    return reply.source;
  } finally {
    worker.terminate();
  }
}

async function loadImage(file: File): Promise<Source> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name}: this browser cannot read it as an image`);
  }
  const scale = Math.min(1, IMAGE_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser has no 2-D canvas');
  context.drawImage(bitmap, 0, 0, width, height);
  const rgba = context.getImageData(0, 0, width, height).data;
  const n = width * height;
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[i * 3] = rgba[i * 4];
    data[i * 3 + 1] = rgba[i * 4 + 1];
    data[i * 3 + 2] = rgba[i * 4 + 2];
  }
  const note =
    scale < 1
      ? `${bitmap.width}x${bitmap.height} image, scaled to ${width}x${height} pixels to cluster`
      : `${width}x${height} image`;
  return {
    name: file.name,
    X: { data, rows: n, cols: 3 },
    featureNames: ['red', 'green', 'blue'],
    image: {
      width,
      height,
      rgba,
      originalWidth: bitmap.width,
      originalHeight: bitmap.height,
    },
    note: `${note}: each pixel is a row of (red, green, blue)`,
  };
}
