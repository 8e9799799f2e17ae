import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { bundledDataDir, loadDataset } from '../data/node/datasets.js';
import { writeFileAtomic } from '../data/node/output.js';
import { KMeans } from '../kmeans/kmeans.js';
import type { MetricName } from '../kmeans/metric-strategies.js';
import { type Matrix, matrixToRows } from '../matrix.js';
import { contingencyMatrix, purityScore } from '../metrics/index.js';
import { renderPng } from '../plot/render.js';
import {
  centroidImagesSpec,
  clusterScatterSpec,
  contingencySpec,
  elbowSpec,
} from '../plot/specs.js';
import { elbow } from '../selection/elbow.js';
import { trainTestSplit } from '../selection/train-test-split.js';
import { escapeHtml, page, table } from './html.js';

/** scikit-learn's numbers, from scripts/make-report-fixture.py. */
interface SklearnFixture {
  sklearn: string;
  toy: { centroids: number[][]; labels: number[]; inertia: number; predictions: number[] };
  iris: {
    trainIndex: number[];
    testIndex: number[];
    runs: Record<
      string,
      {
        centroids: number[][];
        inertia: number;
        nIter: number;
        testPurity: number;
        testPurityPerCluster: number[];
      }
    >;
    elbowInertias: number[];
  };
  mnist: {
    init: number[][];
    inertia: number;
    nIter: number;
    purity: number;
    purityPerCluster: number[];
  };
}

/** One report section: Markdown and HTML of the same content. */
interface Section {
  markdown: string[];
  html: string[];
}

/** What the report found, for callers and tests. */
export interface ReportResult {
  directory: string;
  sections: string[];
  timings: { step: string; ms: number }[];
  /** Every number shown, by name, so a test can check they are finite. */
  numbers: Record<string, number>;
}

const fmt = (v: number, digits = 4) => (Number.isInteger(v) ? String(v) : v.toFixed(digits));
const rowsText = (rows: number[][], digits = 3) =>
  rows.map((r) => `[${r.map((v) => v.toFixed(digits)).join(', ')}]`).join(' ');
const byFirst = (rows: number[][]) => [...rows].sort((a, b) => a[0] - b[0] || a[1] - b[1]);

function subset(X: Matrix, rows: number[]): Matrix {
  const data = new Float64Array(rows.length * X.cols);
  rows.forEach((r, i) => {
    data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols);
  });
  return { data, rows: rows.length, cols: X.cols };
}

/**
 * Writes the report that walks through Lloyd's algorithm on real data and checks itself against
 * scikit-learn: `index.html` (self-contained, pictures inline) and `README.md` with the pictures
 * beside it. `onProgress` hears each step as it starts.
 */
export async function writeReport(
  directory: string,
  onProgress: (step: string) => void = () => {},
): Promise<ReportResult> {
  await mkdir(directory, { recursive: true });
  const sk = JSON.parse(
    readFileSync(join(bundledDataDir(), 'report-sklearn.json'), 'utf8'),
  ) as SklearnFixture;
  const timings: { step: string; ms: number }[] = [];
  const numbers: Record<string, number> = {};
  const sections: Section[] = [];
  const images = new Map<string, Uint8Array>();
  const timed = <T>(step: string, run: () => T): T => {
    const started = performance.now();
    const result = run();
    timings.push({ step, ms: performance.now() - started });
    return result;
  };
  const picture = async (
    name: string,
    spec: Parameters<typeof renderPng>[0],
    alt: string,
    section: Section,
  ) => {
    const png = await renderPng(spec);
    images.set(name, png);
    section.markdown.push(`![${alt}](${name})`);
    section.html.push(
      `<img alt="${escapeHtml(alt)}" src="data:image/png;base64,${Buffer.from(png).toString('base64')}">`,
    );
  };
  const heading = (section: Section, text: string) => {
    section.markdown.push(`## ${text}`);
    section.html.push(`<h2>${escapeHtml(text)}</h2>`);
  };
  const paragraph = (section: Section, text: string) => {
    section.markdown.push(text);
    section.html.push(`<p>${escapeHtml(text)}</p>`);
  };
  const addTable = (section: Section, header: string[], rows: (string | number)[][]) => {
    const t = table(header, rows);
    section.markdown.push(t.markdown);
    section.html.push(t.html);
  };

  // 1. The toy case.
  onProgress('sanity check on the toy data');
  const toyX = [
    [1, 2],
    [1, 4],
    [1, 0],
    [10, 2],
    [10, 4],
    [10, 0],
  ];
  const toy = timed('toy data, k = 2', () =>
    new KMeans({ nClusters: 2, init: 'random', randomState: 1992 }).fit(toyX),
  );
  const toyPred = Array.from(
    toy.predict([
      [0, 0],
      [12, 3],
    ]),
  );
  const s1: Section = { markdown: [], html: [] };
  heading(s1, '1. Sanity check: the toy data, k = 2');
  paragraph(
    s1,
    'X = [[1,2],[1,4],[1,0],[10,2],[10,4],[10,0]], random init, randomState 1992. Labels are names, so a swap of 0 and 1 is the same clustering.',
  );
  addTable(
    s1,
    ['', 'lloyd', `scikit-learn ${sk.sklearn}`],
    [
      ['centroids', rowsText(byFirst(toy.centroids), 1), rowsText(byFirst(sk.toy.centroids), 1)],
      ['labels', Array.from(toy.labels).join(' '), sk.toy.labels.join(' ')],
      ['inertia', fmt(toy.inertia), fmt(sk.toy.inertia)],
      ['predict([0,0], [12,3])', toyPred.join(', '), sk.toy.predictions.join(', ')],
    ],
  );
  numbers.toyInertia = toy.inertia;
  sections.push(s1);

  // 2. Iris, first two features.
  onProgress('iris, first two features, k = 3');
  const iris = await loadDataset('iris');
  const iris2: Matrix = {
    data: Float64Array.from(matrixToRows(iris.X).flatMap((r) => r.slice(0, 2))),
    rows: 150,
    cols: 2,
  };
  // lloyd's own split: the rows scikit-learn's train_test_split(random_state=42) picks.
  const split = trainTestSplit(iris2, undefined, { testSize: 0.2, randomState: 42 });
  const train = subset(iris2, split.trainIndex);
  const test = subset(iris2, split.testIndex);
  const truthTest = split.testIndex.map((i) => iris.targetNames?.[iris.y?.[i] ?? 0] ?? '');
  const s2: Section = { markdown: [], html: [] };
  heading(s2, '2. Iris, first two features (sepal length and width), k = 3');
  paragraph(
    s2,
    `80/20 split: lloyd's trainTestSplit(randomState 42), the same ${train.rows} training and ${test.rows} test rows, in the same order, as scikit-learn's train_test_split(random_state=42). Fit on the training rows, predict the test rows.`,
  );
  const irisRows: (string | number)[][] = [];
  for (const init of ['random', 'k-means++'] as const) {
    const km = timed(`iris ${init}`, () =>
      new KMeans({ nClusters: 3, init, randomState: 42 }).fit(train),
    );
    const pred = Array.from(km.predict(test));
    const purity = purityScore(truthTest, pred);
    const perCluster = purityScore(truthTest, pred, { perCluster: true });
    const ref = sk.iris.runs[init];
    irisRows.push(
      [`${init}: centroids`, rowsText(byFirst(km.centroids)), rowsText(byFirst(ref.centroids))],
      [`${init}: inertia (train)`, fmt(km.inertia), fmt(ref.inertia)],
      [`${init}: test purity`, fmt(purity), fmt(ref.testPurity)],
      [
        `${init}: per-cluster purity (in cluster order)`,
        perCluster.map((p) => p.toFixed(3)).join(' '),
        ref.testPurityPerCluster.map((p) => p.toFixed(3)).join(' '),
      ],
    );
    numbers[`iris ${init} inertia`] = km.inertia;
    numbers[`iris ${init} purity`] = purity;
    if (init === 'k-means++') {
      const cm = contingencyMatrix(truthTest, pred);
      addTable(s2, ['', 'lloyd', `scikit-learn ${sk.sklearn}`], irisRows);
      paragraph(s2, 'Test set contingency matrix (k-means++): rows are species, columns clusters.');
      addTable(
        s2,
        ['species', ...cm.clusters.map((c) => `cluster ${c}`)],
        cm.matrix.map((row, i) => [String(cm.classes[i]), ...row]),
      );
      await picture(
        'iris-clusters.png',
        clusterScatterSpec({
          X: train,
          labels: km.labels,
          centroids: km.centroids,
          featureNames: ['sepal length (cm)', 'sepal width (cm)'],
          title: 'Iris training set, k = 3 (k-means++)',
        }),
        'Iris clusters with centroids',
        s2,
      );
    }
  }
  sections.push(s2);

  // 3. The elbow.
  onProgress('the elbow method, k = 1..10');
  const curve = timed('elbow k = 1..10', () =>
    elbow(train, { kMin: 1, kMax: 10, init: 'random', nInit: 10, randomState: 42 }),
  );
  const s3: Section = { markdown: [], html: [] };
  heading(s3, '3. The elbow method on the iris training set, k = 1..10');
  addTable(
    s3,
    ['k', 'lloyd inertia', 'scikit-learn inertia'],
    curve.ks.map((k, i) => [k, fmt(curve.inertias[i]), fmt(sk.iris.elbowInertias[i])]),
  );
  paragraph(
    s3,
    `Knee (Kneedle): k = ${curve.knee ?? 'none'}. Every k gives a finite inertia: a cluster left empty is moved to the point farthest from its centre, as scikit-learn does, so no run fails with NaN as a naive implementation does at k = 10.`,
  );
  curve.inertias.forEach((v, i) => {
    numbers[`elbow k=${curve.ks[i]}`] = v;
  });
  await picture(
    'elbow.png',
    elbowSpec({
      ks: curve.ks,
      inertias: curve.inertias,
      knee: curve.knee,
      title: 'Elbow: iris training set (random init, 10 restarts)',
    }),
    'Elbow curve',
    s3,
  );
  sections.push(s3);

  // 4. MNIST.
  onProgress('MNIST, 10,000 digits, k = 10');
  const mnist = await loadDataset('mnist');
  const truth = mnist.y ?? [];
  const s4: Section = { markdown: [], html: [] };
  heading(s4, '4. MNIST: 10,000 digits, k = 10');
  const same = timed('mnist euclidean from scikit-learn init', () =>
    new KMeans({ nClusters: 10, init: sk.mnist.init }).fit(mnist.X),
  );
  const agreement = Math.abs(same.inertia - sk.mnist.inertia) / sk.mnist.inertia;
  paragraph(
    s4,
    `From scikit-learn's own k-means++ centres (random_state=0), lloyd reaches inertia ${fmt(same.inertia, 3)} in ${same.nIter} iterations; scikit-learn ${sk.sklearn} reaches ${fmt(sk.mnist.inertia, 3)} in ${sk.mnist.nIter} (relative difference ${agreement.toExponential(1)}; purity ${fmt(purityScore(truth, Array.from(same.labels)))} vs ${fmt(sk.mnist.purity)}).`,
  );
  numbers['mnist same-init inertia'] = same.inertia;
  const metricRows: (string | number)[][] = [];
  for (const metric of ['euclidean', 'manhattan', 'cosine'] as MetricName[]) {
    onProgress(`MNIST ${metric}`);
    const started = performance.now();
    const km = new KMeans({ nClusters: 10, metric, randomState: 0 }).fit(mnist.X);
    const ms = performance.now() - started;
    timings.push({ step: `mnist ${metric}`, ms });
    const pred = Array.from(km.labels);
    const purity = purityScore(truth, pred);
    const per = purityScore(truth, pred, { perCluster: true });
    const name = {
      euclidean: 'k-means (euclidean)',
      manhattan: 'k-medians (manhattan)',
      cosine: 'spherical k-means (cosine)',
    }[metric];
    metricRows.push([
      name,
      fmt(km.inertia, 2),
      km.nIter,
      ms.toFixed(0),
      fmt(purity),
      per.map((p) => p.toFixed(2)).join(' '),
    ]);
    numbers[`mnist ${metric} inertia`] = km.inertia;
    numbers[`mnist ${metric} purity`] = purity;
    if (metric === 'euclidean') {
      const cm = contingencyMatrix(truth, pred);
      await picture(
        'mnist-contingency.png',
        contingencySpec({ ...cm, title: 'MNIST: digit (rows) by cluster (columns), k-means' }),
        'MNIST contingency heatmap',
        s4,
      );
      const majority = cm.clusters.map((_, j) =>
        String(
          cm.classes[
            cm.matrix.reduce((best, row, i) => (row[j] > cm.matrix[best][j] ? i : best), 0)
          ],
        ),
      );
      await picture(
        'mnist-centroids.png',
        centroidImagesSpec({
          centroids: km.centroids,
          shape: [28, 28],
          titles: majority.map((m, j) => `${j}: mostly ${m}`),
          title: 'The ten k-means centroids',
        }),
        'MNIST centroids as images',
        s4,
      );
    }
  }
  addTable(
    s4,
    [
      'method (lloyd, k-means++, randomState 0)',
      'inertia',
      'iterations',
      'ms',
      'purity',
      'per-cluster purity',
    ],
    metricRows,
  );
  paragraph(
    s4,
    "Inertia is each method's own objective: squared distances (k-means), L1 distances (k-medians), 1 - cosine similarity (spherical k-means), so the three columns are not comparable with one another.",
  );
  sections.push(s4);

  // 5. Timings.
  const s5: Section = { markdown: [], html: [] };
  heading(s5, '5. Time and machine');
  addTable(
    s5,
    ['step', 'ms'],
    timings.map((t) => [t.step, t.ms.toFixed(0)]),
  );
  paragraph(
    s5,
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Backend: ${same.options.backend.name}, ${same.options.threads} threads.`,
  );
  sections.push(s5);

  const intro =
    "A walk through Lloyd's algorithm (k-means) on real data with lloyd, each result beside scikit-learn's on the same data. Generated by `npm start` (lloyd report); scikit-learn's numbers come from scripts/make-report-fixture.py.";
  const markdown = [
    '# lloyd: k-means, checked against scikit-learn',
    intro,
    ...sections.flatMap((s) => s.markdown),
  ].join('\n\n');
  const html = page(
    'lloyd report',
    [
      `<h1>lloyd: k-means, checked against scikit-learn</h1><p>${escapeHtml(intro)}</p>`,
      ...sections.flatMap((s) => s.html),
    ].join('\n'),
  );
  for (const [name, png] of images) await writeFileAtomic(join(directory, name), png);
  await writeFileAtomic(join(directory, 'README.md'), `${markdown}\n`);
  await writeFileAtomic(join(directory, 'index.html'), html);
  return {
    directory,
    sections: sections.map((s) => s.markdown[0].replace(/^## /, '')),
    timings,
    numbers,
  };
}
