/**
 * The playground page: pick data, fit k-means in Web Workers (the WebAssembly SIMD backend), and
 * look at the result. Everything slow runs off this thread (the fit in lloyd's fitAsync worker,
 * plots in the analysis worker), so the page never freezes.
 */

import {
  type IterationInfo,
  KMeans,
  type KMeansOptions,
  type MetricName,
  wasmKernelVariant,
} from 'lloyd';
import { EARTH_RADIUS_METRES, lonLatOf, unitVectors } from 'lloyd/geo';
import type { AnalysisRequest, AnalysisResponse, FamilyMethod } from './analysis-protocol';
import { loadBundled, loadFile, type Source } from './sources';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
};

const ui = {
  isolation: $('isolation'),
  dataset: $<HTMLSelectElement>('dataset'),
  drop: $('drop'),
  file: $<HTMLInputElement>('file'),
  labelColumn: $<HTMLInputElement>('label-column'),
  dataInfo: $('data-info'),
  method: $<HTMLSelectElement>('method'),
  k: $<HTMLInputElement>('k'),
  init: $<HTMLSelectElement>('init'),
  metric: $<HTMLSelectElement>('metric'),
  nInit: $<HTMLInputElement>('n-init'),
  seed: $<HTMLInputElement>('seed'),
  dtype: $<HTMLSelectElement>('dtype'),
  threads: $<HTMLInputElement>('threads'),
  maxIter: $<HTMLInputElement>('max-iter'),
  geodesicOption: $('geodesic-option'),
  geodesic: $<HTMLInputElement>('geodesic'),
  run: $<HTMLButtonElement>('run'),
  stop: $<HTMLButtonElement>('stop'),
  elbow: $<HTMLButtonElement>('elbow'),
  progress: $('progress'),
  error: $('error'),
  results: $('results'),
  summary: $('summary'),
  quantised: $('quantised'),
  original: $<HTMLCanvasElement>('original'),
  recoloured: $<HTMLCanvasElement>('recoloured'),
  recolouredCaption: $('recoloured-caption'),
  plots: $('plots'),
  elbowPanel: $('elbow-panel'),
  elbowPlot: $('elbow-plot'),
};

/** Where the page is; tests and styles read it from body[data-state]. */
type PageState = 'loading' | 'ready' | 'running' | 'done' | 'stopped' | 'error';

let source: Source | undefined;
/** The run in progress: how to stop it. */
let running: { controller: AbortController; stopRequested: boolean } | undefined;

const isolated = globalThis.crossOriginIsolated === true;
const cores = navigator.hardwareConcurrency || 1;

function setState(state: PageState): void {
  document.body.dataset.state = state;
  const busy = state === 'running' || state === 'loading';
  ui.run.disabled = busy || !source;
  ui.elbow.disabled = busy || !source;
  ui.stop.disabled = state !== 'running';
  ui.dataset.disabled = busy;
  ui.file.disabled = busy;
}

function showError(message: string): void {
  ui.error.textContent = message;
  ui.error.hidden = false;
}

function clearError(): void {
  ui.error.hidden = true;
  ui.error.textContent = '';
}

// --- data ------------------------------------------------------------------------------------

async function useSource(load: () => Promise<Source>): Promise<void> {
  clearError();
  setState('loading');
  ui.dataInfo.textContent = 'Loading…';
  try {
    source = await load();
    describeSource(source);
    ui.results.hidden = true;
    ui.elbowPanel.hidden = true;
    setState('ready');
  } catch (error) {
    source = undefined;
    ui.dataInfo.textContent = 'No data loaded.';
    showError((error as Error).message);
    setState('error');
  }
}

function describeSource(s: Source): void {
  const classes = s.targetNames ? `, ${s.targetNames.length} true classes` : '';
  const note = s.note ? ` (${s.note})` : '';
  ui.dataInfo.textContent = `${s.name}: ${s.X.rows.toLocaleString('en')} rows x ${s.X.cols} columns${classes}${note}.`;
  ui.k.value = String(s.image ? 8 : Math.min(s.X.rows, s.targetNames?.length ?? 3));
  ui.geodesicOption.hidden = !s.lonLat;
  if (!s.lonLat) ui.geodesic.checked = false;
}

/** Whether this run clusters GeoJSON points on the globe rather than on the plane of degrees. */
function onTheGlobe(data: Source): boolean {
  return data.lonLat === true && ui.geodesic.checked;
}

ui.dataset.addEventListener('change', () => {
  ui.file.value = '';
  void useSource(() => loadBundled(ui.dataset.value));
});

ui.file.addEventListener('change', () => {
  const file = ui.file.files?.[0];
  if (file) void useSource(() => loadFile(file, ui.labelColumn.value));
});

// A new label column re-reads the file already chosen.
ui.labelColumn.addEventListener('change', () => {
  const file = ui.file.files?.[0];
  if (file && document.body.dataset.state !== 'running')
    void useSource(() => loadFile(file, ui.labelColumn.value));
});

ui.drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (event) => {
  event.preventDefault();
  ui.drop.classList.remove('over');
  const file = event.dataTransfer?.files[0];
  if (file && document.body.dataset.state !== 'running')
    void useSource(() => loadFile(file, ui.labelColumn.value));
});

// --- fitting ---------------------------------------------------------------------------------

function readOptions(onIteration: (info: IterationInfo) => boolean): KMeansOptions {
  const integer = (input: HTMLInputElement) => Number(input.value);
  return {
    nClusters: integer(ui.k),
    init: ui.init.value as 'k-means++' | 'k-means||' | 'random',
    metric: ui.metric.value as MetricName,
    nInit: integer(ui.nInit),
    randomState: integer(ui.seed),
    dtype: ui.dtype.value as 'float64' | 'float32',
    threads: isolated ? integer(ui.threads) : 1,
    maxIter: integer(ui.maxIter),
    onIteration,
  };
}

/** Progress text is drawn once per frame at most, however fast iterations come. */
let pendingProgress: string | undefined;
function showProgress(text: string): void {
  if (pendingProgress === undefined) requestAnimationFrame(flushProgress);
  pendingProgress = text;
}
function flushProgress(): void {
  if (pendingProgress !== undefined) ui.progress.textContent = pendingProgress;
  pendingProgress = undefined;
}

/** Starts a run; the page's Stop button ends it. */
function startRun(): { controller: AbortController; stopRequested: boolean } {
  clearError();
  running = { controller: new AbortController(), stopRequested: false };
  setState('running');
  return running;
}

/** Fits k-means with the page's options, reporting progress as `label`. */
async function fitOnce(
  data: Source,
  run: { controller: AbortController; stopRequested: boolean },
  overrides: Partial<KMeansOptions>,
  label: (info: IterationInfo, restart: number) => string,
): Promise<KMeans> {
  let restart = 1;
  let last = 0;
  const options = readOptions((info) => {
    if (info.iteration <= last) restart++;
    last = info.iteration;
    showProgress(label(info, restart));
    return !run.stopRequested;
  });
  const model = new KMeans({ ...options, ...overrides });
  await model.fitAsync(data.X, { signal: run.controller.signal });
  return model;
}

/** What the result panel shows of a fit: KMeans has it all; the family's fits have their own counts. */
interface ShownFit {
  inertia: number;
  labels: Int32Array;
  centroids: number[][];
  warnings: readonly string[];
  /** [term, value] of the work done: iterations, mini-batch steps or bisections. */
  work: [string, number];
  /** What the inertia sums, where it is not the fitted rows' own squared distances. */
  inertiaUnit?: string;
  converged?: boolean;
}

function shownKMeans(model: KMeans): ShownFit {
  const { inertia, labels, centroids, warnings, converged } = model;
  return { inertia, labels, centroids, warnings, converged, work: ['iterations', model.nIter] };
}

/**
 * A fit of unit vectors shown in the GeoJSON's terms: centres as [longitude, latitude], and the
 * inertia as squared chord distances in square metres (a cosine inertia sums 1 - cos θ, and a
 * chord of angle θ on the Earth is 2R sin(θ/2), so chord² = 2R² (1 - cos θ)).
 */
function shownOnTheGlobe(model: KMeans): ShownFit {
  const fit = shownKMeans(model);
  return {
    ...fit,
    inertia: 2 * EARTH_RADIUS_METRES ** 2 * fit.inertia,
    inertiaUnit: 'squared chord distances, m²',
    centroids: fit.centroids.map(([x, y, z]) => lonLatOf(x, y, z)),
  };
}

/** Fits the selected family method in the analysis worker (off this thread). */
async function fitFamily(data: Source, method: FamilyMethod): Promise<ShownFit> {
  const integer = (input: HTMLInputElement) => Number(input.value);
  const response = await analyse({
    type: 'fit',
    id: ++analysisId,
    method,
    X: data.X,
    nClusters: integer(ui.k),
    init: ui.init.value as 'k-means++' | 'k-means||' | 'random',
    nInit: integer(ui.nInit),
    randomState: integer(ui.seed),
    dtype: ui.dtype.value as 'float64' | 'float32',
    maxIter: integer(ui.maxIter),
  });
  if (response.type === 'error') throw new Error(response.message);
  if (response.type !== 'fit') throw new Error('the analysis worker answered another request');
  const { inertia, labels, centroids, steps } = response;
  const work: [string, number] = [
    method === 'minibatch' ? 'mini-batch steps' : 'bisections',
    steps,
  ];
  return { inertia, labels, centroids, warnings: [], work };
}

ui.run.addEventListener('click', () => {
  if (!source) return;
  const data = source;
  const method = ui.method.value;
  if (method === 'minibatch' || method === 'bisecting') {
    if (onTheGlobe(data)) {
      showError('Clustering on the globe runs with k-means only.');
      return;
    }
    if (ui.metric.value !== 'euclidean') {
      showError(
        `${method === 'minibatch' ? 'Mini-batch' : 'Bisecting'} k-means clusters with the euclidean metric only.`,
      );
      return;
    }
    const run = startRun();
    const started = performance.now();
    ui.progress.textContent = `Fitting ${method === 'minibatch' ? 'mini-batch' : 'bisecting'} k-means…`;
    fitFamily(data, method)
      .then((fit) => {
        const seconds = (performance.now() - started) / 1000;
        ui.progress.textContent = `Done in ${seconds.toFixed(2)} s.`;
        showResult(data, fit, seconds);
        setState('done');
      })
      .catch((error: Error) => endWithError(run, error))
      .finally(() => {
        if (running === run) running = undefined;
      });
    return;
  }
  const run = startRun();
  const started = performance.now();
  const nInit = Number(ui.nInit.value);
  const globe = onTheGlobe(data);
  // On the globe, points are unit vectors and spherical k-means (cosine) clusters them by
  // great-circle distance, as lloyd/geo's geodesic option does; centres map back to degrees.
  const fitted: Source = globe
    ? { ...data, X: { data: unitVectors(data.X.data), rows: data.X.rows, cols: 3 } }
    : data;
  fitOnce(fitted, run, globe ? { metric: 'cosine' } : {}, (info, restart) => {
    const of = nInit > 1 ? ` (init ${restart} of ${nInit})` : '';
    return `iteration ${info.iteration}${of} · inertia ${info.inertia.toPrecision(10)} · centre shift ${info.centerShift.toPrecision(3)}`;
  })
    .then((model) => {
      const seconds = (performance.now() - started) / 1000;
      flushProgress();
      ui.progress.textContent = run.stopRequested
        ? `Stopped at iteration ${model.nIter}: the result so far.`
        : `Done in ${seconds.toFixed(2)} s.`;
      showResult(data, globe ? shownOnTheGlobe(model) : shownKMeans(model), seconds);
      setState(run.stopRequested ? 'stopped' : 'done');
    })
    .catch((error: Error) => endWithError(run, error))
    .finally(() => {
      if (running === run) running = undefined;
    });
});

ui.stop.addEventListener('click', () => {
  const run = running;
  if (!run) return;
  run.stopRequested = true;
  ui.progress.textContent = 'Stopping…';
  // Without shared memory the worker cannot see the request between iterations: end it now.
  // With it, the fit ends at its next iteration; a slow one gets two seconds.
  const abort = () => run.controller.abort(new DOMException('Stopped', 'AbortError'));
  if (!isolated) abort();
  else setTimeout(abort, 2000);
});

function endWithError(run: { stopRequested: boolean }, error: Error): void {
  flushProgress();
  if (error.name === 'AbortError' && run.stopRequested) {
    ui.progress.textContent = 'Stopped before a result.';
    setState('stopped');
    return;
  }
  ui.progress.textContent = '';
  showError(error.message);
  setState('error');
}

// --- results ---------------------------------------------------------------------------------

const analysis = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module' });
let analysisId = 0;
const waiting = new Map<number, (response: AnalysisResponse) => void>();
analysis.onmessage = (event: MessageEvent<AnalysisResponse>) => {
  waiting.get(event.data.id)?.(event.data);
  waiting.delete(event.data.id);
};
analysis.onerror = (event) => showError(`The plotting worker failed: ${event.message}`);

function analyse(request: AnalysisRequest): Promise<AnalysisResponse> {
  return new Promise((resolve) => {
    waiting.set(request.id, resolve);
    analysis.postMessage(request);
  });
}

function addTerm(term: string, value: string, id?: string, exact?: number): HTMLElement {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  if (id) dd.id = id;
  if (exact !== undefined) dd.dataset.value = String(exact);
  ui.summary.append(dt, dd);
  return dd;
}

function showResult(data: Source, model: ShownFit, seconds: number): void {
  ui.results.hidden = false;
  ui.summary.replaceChildren();
  ui.plots.replaceChildren();
  const unit = model.inertiaUnit ? ` (${model.inertiaUnit})` : '';
  addTerm('inertia', `${model.inertia.toPrecision(12)}${unit}`, 'inertia', model.inertia);
  addTerm(model.work[0], String(model.work[1]), 'n-iter', model.work[1]);
  if (model.converged !== undefined)
    addTerm('converged', model.converged ? 'yes' : 'no (maxIter or stopped)');
  addTerm('time', `${seconds.toFixed(3)} s`);
  addTerm('threads', isolated ? ui.threads.value : '1 (page not cross-origin isolated)');
  const sizes = new Array<number>(model.centroids.length).fill(0);
  for (const label of model.labels) sizes[label]++;
  addTerm('cluster sizes', sizes.join(', '), 'sizes');
  for (const warning of model.warnings) addTerm('warning', warning);

  ui.quantised.hidden = !data.image;
  if (data.image) drawQuantised(data, model);

  const id = ++analysisId;
  const plotsNote = document.createElement('p');
  plotsNote.className = 'info';
  plotsNote.textContent = 'Drawing plots…';
  ui.plots.append(plotsNote);
  void analyse({
    type: 'cluster',
    id,
    X: data.X,
    labels: Array.from(model.labels),
    centroids: model.centroids,
    featureNames: data.featureNames,
    y: data.y,
    targetNames: data.targetNames,
    imageShape: data.imageShape,
    maxPoints: 3000,
  }).then((response) => {
    if (id !== analysisId) return;
    plotsNote.remove();
    if (response.type === 'error') {
      showError(`Plots failed: ${response.message}`);
      return;
    }
    if (response.type !== 'cluster') return;
    if (response.scores) {
      addTerm('purity', response.scores.purity.toFixed(4), 'purity', response.scores.purity);
      addTerm('adjusted Rand index', response.scores.adjustedRand.toFixed(4), 'ari');
      addTerm('normalized mutual information', response.scores.normalizedMutualInfo.toFixed(4));
    }
    addPlot('scatter', response.scatterSvg);
    if (response.contingencySvg) addPlot('contingency', response.contingencySvg);
    if (response.centroidImagesSvg) addPlot('centroid-images', response.centroidImagesSvg);
  });
}

function addPlot(id: string, svg: string): void {
  const figure = document.createElement('figure');
  figure.id = `plot-${id}`;
  figure.innerHTML = svg;
  ui.plots.append(figure);
}

/** The image redrawn with each pixel's centroid colour, beside the original. */
function drawQuantised(data: Source, model: ShownFit): void {
  const image = data.image;
  if (!image) return;
  const { width, height, rgba } = image;
  for (const canvas of [ui.original, ui.recoloured]) {
    canvas.width = width;
    canvas.height = height;
  }
  const original = ui.original.getContext('2d');
  const recoloured = ui.recoloured.getContext('2d');
  if (!original || !recoloured) return;
  original.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  const colours = model.centroids.map((c) => c.map((v) => Math.round(v)));
  const out = new Uint8ClampedArray(width * height * 4);
  const labels = model.labels;
  for (let i = 0; i < labels.length; i++) {
    const c = colours[labels[i]];
    out[i * 4] = c[0];
    out[i * 4 + 1] = c[1];
    out[i * 4 + 2] = c[2];
    out[i * 4 + 3] = rgba[i * 4 + 3];
  }
  recoloured.putImageData(new ImageData(out, width, height), 0, 0);
  ui.recolouredCaption.textContent = `${colours.length} colours`;
  ui.recoloured.dataset.colours = String(new Set(colours.map((c) => c.join(','))).size);
}

// --- elbow -----------------------------------------------------------------------------------

ui.elbow.addEventListener('click', () => {
  if (!source) return;
  const data = source;
  const run = startRun();
  const kMax = Math.min(10, data.X.rows);
  const ks = Array.from({ length: kMax }, (_, i) => i + 1);
  void (async () => {
    const inertias: number[] = [];
    try {
      for (const k of ks) {
        if (run.stopRequested) break;
        const model = await fitOnce(
          data,
          run,
          { nClusters: k },
          (info) => `elbow: k = ${k} of ${kMax} · iteration ${info.iteration}`,
        );
        inertias.push(model.inertia);
      }
      flushProgress();
      if (run.stopRequested) {
        ui.progress.textContent = 'Elbow stopped.';
        setState('stopped');
        return;
      }
      ui.progress.textContent = 'Drawing the elbow curve…';
      const response = await analyse({ type: 'elbow', id: ++analysisId, ks, inertias });
      if (response.type === 'error') throw new Error(`The elbow plot failed: ${response.message}`);
      if (response.type !== 'elbow') return;
      ui.elbowPanel.hidden = false;
      ui.elbowPlot.innerHTML = response.svg;
      ui.progress.textContent =
        response.knee === null ? 'The curve has no clear knee.' : `Knee at k = ${response.knee}.`;
      setState('done');
    } catch (error) {
      endWithError(run, error as Error);
    } finally {
      if (running === run) running = undefined;
    }
  })();
});

// --- start -----------------------------------------------------------------------------------

window.addEventListener('error', (event) => showError(`Something failed: ${event.message}`));
window.addEventListener('unhandledrejection', (event) =>
  showError(`Something failed: ${(event.reason as Error)?.message ?? String(event.reason)}`),
);

ui.threads.max = String(cores);
ui.threads.value = String(isolated ? cores : 1);
ui.threads.disabled = !isolated;
ui.isolation.textContent = isolated
  ? `Cross-origin isolated: a fit may use up to ${cores} threads (Web Workers over shared WebAssembly memory), with ${wasmKernelVariant() === 'relaxed-simd' ? 'the relaxed-SIMD kernels (fused multiply-add)' : 'the SIMD128 kernels'}.`
  : 'Not cross-origin isolated (the server sends no COOP/COEP headers): SharedArrayBuffer is unavailable, so each fit runs in one Web Worker, on one thread.';
ui.isolation.dataset.isolated = String(isolated);
void useSource(() => loadBundled(ui.dataset.value));
