/**
 * The playground page in a real Chromium (Debian's, driven by playwright-core): built with Vite,
 * served with and without the cross-origin isolation headers. Screenshots of each state go to
 * test-results/playground/.
 */

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EARTH_RADIUS_METRES, unitVectors } from '../../dist/geo.js';
import { BisectingKMeans, KMeans, loadDataset, MiniBatchKMeans } from '../../dist/index.js';

const CHROMIUM = process.env.LLOYD_CHROMIUM ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../', import.meta.url));
const config = join(root, 'web/vite.config.ts');
const webDist = join(root, 'web/dist');
const shots = join(root, 'test-results/playground');

// CI installs Chromium and sets LLOYD_REQUIRE_BROWSER=1 (.ci/run); elsewhere a missing Chromium
// skips these tests, and says so.
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.LLOYD_REQUIRE_BROWSER === '1')
    throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set LLOYD_CHROMIUM)`);
  console.warn(`playground tests skipped: no Chromium at ${CHROMIUM}`);
}

describe.skipIf(!haveChromium)('playground page in Chromium', () => {
  let browser: Browser;
  let isolatedServer: PreviewServer;
  let plainServer: Server;
  let isolatedUrl: string;
  let plainUrl: string;

  beforeAll(async () => {
    await build({ configFile: config, logLevel: 'error' });
    isolatedServer = await preview({
      configFile: config,
      logLevel: 'error',
      preview: { port: 4300, strictPort: false, host: '127.0.0.1' },
    });
    isolatedUrl = isolatedServer.resolvedUrls?.local[0] ?? '';
    plainServer = await serveWithoutIsolation(webDist);
    plainUrl = `http://127.0.0.1:${(plainServer.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
    });
    mkdirSync(shots, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await isolatedServer?.close();
    plainServer?.close();
  });

  /** A fresh page, failing the test on any uncaught page error. */
  async function open(url: string): Promise<{ page: Page; errors: string[]; workers: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const workers: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Chromium reports nested workers too: the fit worker's thread pool starts from blob: URLs.
    page.on('worker', (worker) => workers.push(worker.url()));
    await page.goto(url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    return { page, errors, workers };
  }

  async function setOptions(page: Page, options: Record<string, string>): Promise<void> {
    for (const [id, value] of Object.entries(options)) {
      const tag = await page.$eval(`#${id}`, (element) => element.tagName);
      if (tag === 'SELECT') await page.selectOption(`#${id}`, value);
      else await page.fill(`#${id}`, value);
    }
  }

  async function runAndWait(page: Page, timeout = 60_000): Promise<string> {
    await page.click('#run');
    await page.waitForSelector(
      'body[data-state="done"], body[data-state="error"], body[data-state="stopped"]',
      { timeout },
    );
    return (await page.getAttribute('body', 'data-state')) ?? '';
  }

  /** Drops a GeoJSON FeatureCollection of the points at `positions` on the page, as `name`. */
  async function loadPoints(page: Page, name: string, positions: number[][]): Promise<void> {
    const points = {
      type: 'FeatureCollection',
      features: positions.map((coordinates) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates },
        properties: {},
      })),
    };
    await page.setInputFiles('#file', {
      name,
      mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify(points)),
    });
  }

  const shownNumber = async (page: Page, id: string) =>
    Number(await page.getAttribute(`#${id}`, 'data-value'));

  it('iris k=3: the shown inertia is the Node result for the same seed, bit for bit', async () => {
    const { page, errors } = await open(isolatedUrl);
    expect(await page.textContent('#isolation')).toContain('Cross-origin isolated');
    // Chromium runs relaxed SIMD unflagged: the page's fits use the fused multiply-add build, and
    // the tests below still find Node's SIMD128 results bit for bit.
    expect(await page.textContent('#isolation')).toContain('relaxed-SIMD kernels');
    await setOptions(page, { k: '3', seed: '7', 'n-init': '2' });
    expect(await runAndWait(page)).toBe('done');
    await page.waitForSelector('#plot-scatter svg');
    await page.waitForSelector('#plot-contingency svg');
    const iris = await loadDataset('iris');
    const node = new KMeans({ nClusters: 3, randomState: 7, nInit: 2 }).fit(iris.X);
    expect(await shownNumber(page, 'inertia')).toBe(node.inertia);
    expect(await shownNumber(page, 'n-iter')).toBe(node.nIter);
    expect(await page.textContent('#sizes')).toBe(clusterSizes(node.labels, 3));
    expect(await shownNumber(page, 'purity')).toBeGreaterThan(0.85);
    await page.screenshot({ path: join(shots, 'iris.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the method selector fits mini-batch and bisecting k-means, as Node does', async () => {
    const { page, errors } = await open(isolatedUrl);
    const iris = await loadDataset('iris');
    await setOptions(page, { method: 'minibatch', k: '3', seed: '5', 'n-init': '3' });
    expect(await runAndWait(page)).toBe('done');
    const minibatch = new MiniBatchKMeans({ nClusters: 3, randomState: 5, threads: 1 }).fit(iris.X);
    expect(await shownNumber(page, 'inertia')).toBe(minibatch.inertia);
    expect(await shownNumber(page, 'n-iter')).toBe(minibatch.nSteps);
    await page.waitForSelector('#plot-scatter svg');
    await setOptions(page, { method: 'bisecting', k: '4', 'n-init': '1' });
    expect(await runAndWait(page)).toBe('done');
    const bisecting = new BisectingKMeans({
      nClusters: 4,
      randomState: 5,
      threads: 1,
      init: 'k-means++',
    }).fit(iris.X);
    expect(await shownNumber(page, 'inertia')).toBe(bisecting.inertia);
    expect(await page.textContent('#sizes')).toBe(clusterSizes(bisecting.labels, 4));
    await setOptions(page, { metric: 'manhattan' });
    await page.click('#run');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toContain('euclidean metric only');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('MNIST k=10 on two threads: finishes, draws, and matches Node; the page stays responsive', async () => {
    const { page, errors, workers } = await open(isolatedUrl);
    await page.selectOption('#dataset', 'mnist');
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.textContent('#data-info')).toContain('10,000 rows x 784 columns');
    await setOptions(page, { k: '10', seed: '0', threads: '2', dtype: 'float32' });
    // The longest gap between timer ticks on the page's thread while the fit runs.
    await page.evaluate(() => {
      const w = window as unknown as { longestGap: number; last: number };
      w.longestGap = 0;
      w.last = performance.now();
      setInterval(() => {
        const now = performance.now();
        w.longestGap = Math.max(w.longestGap, now - w.last);
        w.last = now;
      }, 20);
    });
    expect(await runAndWait(page, 120_000)).toBe('done');
    const longestGap = await page.evaluate(
      () => (window as unknown as { longestGap: number }).longestGap,
    );
    await page.waitForSelector('#plot-scatter svg', { timeout: 60_000 });
    await page.waitForSelector('#plot-contingency svg');
    await page.waitForSelector('#plot-centroid-images svg');
    const mnist = await loadDataset('mnist', { dtype: 'float32' });
    const node = new KMeans({ nClusters: 10, randomState: 0, dtype: 'float32', threads: 1 }).fit(
      mnist.X,
    );
    expect(await shownNumber(page, 'inertia')).toBe(node.inertia);
    expect(await shownNumber(page, 'n-iter')).toBe(node.nIter);
    // A frozen page would show gaps of seconds; this bound only catches a freeze, not slowness.
    expect(longestGap).toBeLessThan(1500);
    expect(workers.filter((url) => url.startsWith('blob:'))).toHaveLength(1);
    await page.screenshot({ path: join(shots, 'mnist.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Stop ends a long fit cleanly with the result so far, and the page runs again after', async () => {
    const { page, errors } = await open(isolatedUrl);
    await page.selectOption('#dataset', 'mnist');
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    await setOptions(page, { k: '64', 'n-init': '3', 'max-iter': '300' });
    await page.click('#run');
    await page.waitForFunction(
      () => /iteration 2/.test(document.querySelector('#progress')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    await page.click('#stop');
    await page.waitForSelector('body[data-state="stopped"]', { timeout: 30_000 });
    expect(await page.textContent('#progress')).toMatch(/Stopped at iteration \d+/);
    expect(await page.isDisabled('#stop')).toBe(true);
    await page.screenshot({ path: join(shots, 'stopped.png'), fullPage: true });
    await setOptions(page, { k: '3', 'n-init': '1' });
    await page.selectOption('#dataset', 'iris');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await runAndWait(page)).toBe('done');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a broken CSV gets a clear message on the page, and the page stays usable', async () => {
    const { page, errors } = await open(isolatedUrl);
    await page.setInputFiles('#file', {
      name: 'broken.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('a,b,c\n1,2,3\n4,oops,6\n'),
    });
    await page.waitForSelector('body[data-state="error"]');
    const message = await page.textContent('#error');
    expect(message).toContain('broken.csv, line 3');
    expect(message).toContain('"oops"');
    expect(await page.isVisible('#error')).toBe(true);
    expect(await page.isDisabled('#run')).toBe(true);
    await page.screenshot({ path: join(shots, 'broken-csv.png'), fullPage: true });
    await page.setInputFiles('#file', {
      name: 'broken.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not a png at all'),
    });
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.textContent('#error')).toBe(
      'broken.png: this browser cannot read it as an image',
    );
    // A good CSV with a text class column afterwards: the column is taken as the true classes.
    await page.setInputFiles('#file', {
      name: 'good.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('x,y,kind\n0,0,a\n0,1,a\n10,10,b\n10,11,b\n'),
    });
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.isVisible('#error')).toBe(false);
    expect(await page.textContent('#data-info')).toContain('2 true classes');
    // All numeric: no classes, until a column is named as the labels (the file is read again).
    await page.setInputFiles('#file', {
      name: 'numbers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('x,y,c\n0,0,1\n0,1,1\n10,10,2\n10,11,2\n'),
    });
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#data-info')).toBe('numbers.csv: 4 rows x 3 columns.');
    await page.fill('#label-column', 'c');
    await page.press('#label-column', 'Enter');
    await page.waitForFunction(() =>
      /2 true classes/.test(document.querySelector('#data-info')?.textContent ?? ''),
    );
    expect(await page.textContent('#data-info')).toContain('4 rows x 2 columns');
    // A bad option is the library's own message, on the page.
    await setOptions(page, { k: '9' });
    expect(await runAndWait(page)).toBe('error');
    expect(await page.textContent('#error')).toBe(
      'nClusters: must be at most the number of rows of X (4); got 9',
    );
    await setOptions(page, { k: '2' });
    expect(await runAndWait(page)).toBe('done');
    expect(await page.isVisible('#error')).toBe(false);
    expect(await shownNumber(page, 'purity')).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads GeoJSON points, draws them coloured by cluster, and names a bad point', async () => {
    const { page, errors } = await open(isolatedUrl);
    const positions = [
      [2.35, 48.85],
      [2.4, 48.9],
      [2.3, 48.8],
      [-74, 40.7],
      [-73.9, 40.8],
      [-74.1, 40.6],
    ];
    await loadPoints(page, 'cities.geojson', positions);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#data-info')).toContain('cities.geojson: 6 rows x 2 columns');
    await setOptions(page, { k: '2', seed: '3' });
    expect(await runAndWait(page)).toBe('done');
    await page.waitForSelector('#plot-scatter svg');
    const node = new KMeans({ nClusters: 2, randomState: 3 }).fit(positions);
    expect(await shownNumber(page, 'inertia')).toBe(node.inertia);
    expect(await page.textContent('#sizes')).toBe(clusterSizes(node.labels, 2));
    // The scatter's axes are the longitude and the latitude.
    expect(await page.textContent('#plot-scatter')).toContain('longitude');
    await page.screenshot({ path: join(shots, 'geojson.png'), fullPage: true });
    positions[4] = [-73.9, 95];
    await loadPoints(page, 'bad.geojson', positions);
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.textContent('#error')).toBe(
      'bad.geojson: feature 4 has latitude 95, outside [-90, 90]; GeoJSON positions are [longitude, latitude]',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('clusters GeoJSON points on the globe: the antimeridian joins, the inertia is in m²', async () => {
    const { page, errors } = await open(isolatedUrl);
    // Two groups on the globe: either side of the antimeridian, and near Greenwich. On the plane
    // of degrees the first group is 360° wide; on the globe it is 0.4° wide.
    const positions = [
      [179.8, 10],
      [-179.8, 10.2],
      [179.9, 9.9],
      [-179.9, 10.1],
      [0.1, 51.5],
      [-0.1, 51.4],
    ];
    await loadPoints(page, 'antimeridian.geojson', positions);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.isVisible('#geodesic')).toBe(true);
    await setOptions(page, { k: '2', seed: '5' });
    await page.check('#geodesic');
    expect(await runAndWait(page)).toBe('done');
    await page.waitForSelector('#plot-scatter svg');
    const node = new KMeans({ nClusters: 2, randomState: 5, metric: 'cosine' }).fit({
      data: unitVectors(positions.flat()),
      rows: positions.length,
      cols: 3,
    });
    expect(await shownNumber(page, 'inertia')).toBe(2 * EARTH_RADIUS_METRES ** 2 * node.inertia);
    expect(await page.textContent('#sizes')).toBe(clusterSizes(node.labels, 2));
    expect([...node.labels.slice(0, 4)].every((label) => label === node.labels[0])).toBe(true);
    expect(await page.textContent('#inertia')).toContain('squared chord distances, m²');
    // Mini-batch and bisecting k-means are planar: the page says so rather than fit the plane.
    await setOptions(page, { method: 'bisecting' });
    await page.click('#run');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toBe(
      'Clustering on the globe runs with k-means only.',
    );
    // Data that is not GeoJSON hides the option and clears it.
    await page.selectOption('#dataset', 'digits');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.isVisible('#geodesic')).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a gzip bomb is refused by its size, off the page thread: the page stays responsive', async () => {
    const { gzipSync } = await import('node:zlib');
    const { page, errors } = await open(isolatedUrl);
    // 600 MiB of zeros in about 600 KB: past the page's 512 MiB, refused as it decompresses.
    const bomb = gzipSync(Buffer.alloc(600 * 2 ** 20), { level: 9 });
    await page.setInputFiles('#file', {
      name: 'bomb.csv.gz',
      mimeType: 'application/gzip',
      buffer: bomb,
    });
    // While the worker decompresses, the page answers.
    const started = Date.now();
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    expect(Date.now() - started).toBeLessThan(2_000);
    await page.waitForSelector('body[data-state="error"]', { timeout: 60_000 });
    expect(await page.textContent('#error')).toMatch(
      /bomb\.csv\.gz: decompresses to more than 512 MiB/,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('quantises a small image to k colours, shown beside the original', async () => {
    const { page, errors } = await open(isolatedUrl);
    await page.setInputFiles('#file', {
      name: 'blocks.png',
      mimeType: 'image/png',
      buffer: Buffer.from(blocksPng()),
    });
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#data-info')).toContain('48x32 image');
    expect(await page.inputValue('#k')).toBe('8');
    await setOptions(page, { k: '4' });
    expect(await runAndWait(page)).toBe('done');
    expect(await page.isVisible('#quantised')).toBe(true);
    expect(await page.getAttribute('#recoloured', 'data-colours')).toBe('4');
    // Four flat blocks: k=4 recovers each block's colour exactly, so the redrawn image is the original.
    const same = await page.evaluate(() => {
      const read = (id: string) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement;
        const context = canvas.getContext('2d') as CanvasRenderingContext2D;
        return Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data);
      };
      const a = read('original');
      const b = read('recoloured');
      return a.length > 0 && a.every((v, i) => v === b[i]);
    });
    expect(same).toBe(true);
    await page.waitForSelector('#plot-scatter svg');
    await page.screenshot({ path: join(shots, 'quantised.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the elbow curve on demand', async () => {
    const { page, errors } = await open(isolatedUrl);
    await page.click('#elbow');
    await page.waitForSelector('#elbow-plot svg', { timeout: 60_000 });
    expect(await page.textContent('#progress')).toMatch(/Knee at k = \d+|no clear knee/);
    await page.screenshot({ path: join(shots, 'elbow.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without isolation headers: says so, runs on one worker, same inertia', async () => {
    const { page, errors, workers } = await open(plainUrl);
    expect(await page.textContent('#isolation')).toContain('Not cross-origin isolated');
    expect(await page.isDisabled('#threads')).toBe(true);
    await setOptions(page, { k: '3', seed: '7', 'n-init': '2' });
    const state = await runAndWait(page);
    expect(await page.textContent('#error')).toBe('');
    expect(state).toBe('done');
    const iris = await loadDataset('iris');
    const node = new KMeans({ nClusters: 3, randomState: 7, nInit: 2 }).fit(iris.X);
    expect(await shownNumber(page, 'inertia')).toBe(node.inertia);
    expect(workers.some((url) => url.startsWith('blob:'))).toBe(false);
    await page.screenshot({ path: join(shots, 'not-isolated.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

function clusterSizes(labels: Int32Array, k: number): string {
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]++;
  return sizes.join(', ');
}

/** A 48x32 PNG of four flat colour blocks. */
function blocksPng(): Uint8Array {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="32" shape-rendering="crispEdges">
    <rect x="0" y="0" width="24" height="16" fill="#d62728"/>
    <rect x="24" y="0" width="24" height="16" fill="#1f77b4"/>
    <rect x="0" y="16" width="24" height="16" fill="#2ca02c"/>
    <rect x="24" y="16" width="24" height="16" fill="#ffdd00"/>
  </svg>`;
  return new Resvg(svg).render().asPng();
}

/** A static server for the built page that sends no cross-origin isolation headers. */
function serveWithoutIsolation(dir: string): Promise<Server> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.gz': 'application/gzip',
  };
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
