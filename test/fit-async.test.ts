import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// fitAsync starts its worker from the built module beside it, so this test uses the build.
import { KMeans, makeBlobs, sharedMatrix, ValidationError } from '../dist/index.js';

describe('fitAsync', () => {
  const { X } = makeBlobs({
    nSamples: 3000,
    nFeatures: 5,
    centers: 4,
    clusterStd: 3,
    randomState: 2,
  });

  it('gives the same model as fit, off the main thread, with progress here', async () => {
    const seen: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const km = await new KMeans({
      nClusters: 6,
      randomState: 1,
      onIteration: ({ iteration }) => void seen.push(iteration),
    }).fitAsync(X);
    clearInterval(timer);
    const sync = new KMeans({ nClusters: 6, randomState: 1 }).fit(X);
    expect(km.inertia).toBe(sync.inertia);
    expect(Array.from(km.labels)).toEqual(Array.from(sync.labels));
    expect(km.centroids).toEqual(sync.centroids);
    expect(seen.length).toBe(km.nIter);
    expect(ticks).toBeGreaterThan(0);
  });

  it("sends init 'k-means||' to the worker by name: the same model as fit", async () => {
    const options = { nClusters: 6, init: 'k-means||', randomState: 5 } as const;
    const km = await new KMeans(options).fitAsync(X);
    const sync = new KMeans(options).fit(X);
    expect(km.inertia).toBe(sync.inertia);
    expect(km.centroids).toEqual(sync.centroids);
  });

  it('stops soon after onIteration returns false (the worker runs ahead of its messages)', async () => {
    // Large enough that the worker cannot converge in the time a message takes to come back.
    const { X: larger } = makeBlobs({ nSamples: 20000, nFeatures: 16, centers: 8, randomState: 3 });
    const options = { nClusters: 48, init: 'random', randomState: 1, tol: 0 } as const;
    const km = await new KMeans({
      ...options,
      onIteration: ({ iteration }) => iteration < 2,
    }).fitAsync(larger);
    const full = new KMeans(options).fit(larger);
    expect(km.nIter).toBeGreaterThanOrEqual(2);
    expect(km.nIter).toBeLessThan(full.nIter);
    expect(km.converged).toBe(false);
  });

  it('takes a shared matrix (its worker reads the shared memory) and gives the same model', async () => {
    const S = sharedMatrix(X.rows, X.cols);
    S.data.set(X.data);
    const km = await new KMeans({ nClusters: 6, randomState: 1 }).fitAsync(S);
    const sync = new KMeans({ nClusters: 6, randomState: 1 }).fit(X);
    expect(km.inertia).toBe(sync.inertia);
    expect(Array.from(km.labels)).toEqual(Array.from(sync.labels));
    expect(Array.from(S.data)).toEqual(Array.from(X.data));
  });

  it('rejects bad input with the same errors as fit', async () => {
    await expect(new KMeans({ nClusters: 5000 }).fitAsync(X)).rejects.toThrow(ValidationError);
    await expect(new KMeans({ nClusters: 5000 }).fitAsync(X)).rejects.toThrow(
      /^nClusters: must be at most the number of rows of X \(3000\); got 5000$/,
    );
    await expect(new KMeans({ nClusters: 2, init: () => [[0], [1]] }).fitAsync(X)).rejects.toThrow(
      /^init: fitAsync cannot send a function/,
    );
  });
});

describe('fitAsync with an AbortSignal', () => {
  const { X } = makeBlobs({ nSamples: 20000, nFeatures: 16, centers: 8, randomState: 3 });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      new KMeans({ nClusters: 3 }).fitAsync(X, { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('ends the worker on abort and rejects with the reason; the model stays unfitted', async () => {
    const controller = new AbortController();
    const km = new KMeans({
      nClusters: 64,
      tol: 0,
      maxIter: 100_000,
      onIteration: ({ iteration }) => {
        if (iteration === 2) controller.abort(new Error('enough'));
      },
    });
    await expect(km.fitAsync(X, { signal: controller.signal })).rejects.toThrow('enough');
    expect(km.isFitted).toBe(false);
  });
});

interface HookedWorker {
  terminate(): Promise<number>;
  once(event: 'exit', listener: (code: number) => void): unknown;
  once(event: 'online', listener: () => void): unknown;
}

/** Runs `body` while every new Node worker is also handed to `seen` (fitAsync's worker among them). */
async function withWorkerHook<T>(seen: (worker: HookedWorker) => void, body: () => Promise<T>) {
  const threads = process.getBuiltinModule('node:worker_threads') as {
    Worker: new (...args: never[]) => HookedWorker;
  };
  const Original = threads.Worker;
  threads.Worker = class extends Original {
    constructor(...args: never[]) {
      super(...args);
      seen(this);
    }
  };
  try {
    return await body();
  } finally {
    threads.Worker = Original;
  }
}

/** What a promise settles to, or 'still pending' after `ms`. */
function settled<T>(promise: Promise<T>, ms = 10_000): Promise<unknown> {
  return Promise.race([
    promise.then(
      (value) => ({ resolved: value }),
      (error: unknown) => ({ rejected: error }),
    ),
    new Promise((resolve) => setTimeout(() => resolve('still pending'), ms)),
  ]);
}

describe('fitAsync never hangs and never throws past its caller', () => {
  const { X } = makeBlobs({ nSamples: 20000, nFeatures: 16, centers: 8, randomState: 3 });

  it('rejects with the error onIteration throws, and ends the worker', async () => {
    const exits: Promise<number>[] = [];
    const km = new KMeans({
      nClusters: 16,
      tol: 0,
      maxIter: 100_000,
      onIteration: () => {
        throw new Error('boom in onIteration');
      },
    });
    const outcome = await withWorkerHook(
      (worker) => exits.push(new Promise((resolve) => worker.once('exit', resolve))),
      () => settled(km.fitAsync(X)),
    );
    expect(outcome).toEqual({ rejected: new Error('boom in onIteration') });
    expect(exits).toHaveLength(1);
    await expect(settled(exits[0])).resolves.toEqual({ resolved: 1 });
    expect(km.isFitted).toBe(false);
  });

  it('rejects with a clear error when its worker ends before a result', async () => {
    const km = new KMeans({ nClusters: 16, tol: 0, maxIter: 100_000 });
    const outcome = await withWorkerHook(
      (worker) => worker.once('online', () => void worker.terminate()),
      () => settled(km.fitAsync(X)),
    );
    expect(outcome).toEqual({
      rejected: new Error('fitAsync: the fit worker stopped (exit code 1) before it sent a result'),
    });
  });
});

describe("fitAsync's workerUrl", () => {
  const X = [[0], [1], [10], [11]];
  const options = { nClusters: 2, randomState: 0 };

  it('starts the worker from a file path or URL given, with the same model', async () => {
    const path = fileURLToPath(new URL('../dist/kmeans/fit-worker.js', import.meta.url));
    const expected = new KMeans(options).fit(X);
    const fromPath = await new KMeans(options).fitAsync(X, { workerUrl: path });
    expect(fromPath.centroids).toEqual(expected.centroids);
    const fromUrl = await new KMeans(options).fitAsync(X, { workerUrl: pathToFileURL(path) });
    expect(fromUrl.inertia).toBe(expected.inertia);
  });

  it('a worker file that is not there rejects at once, naming the file', async () => {
    const missing = join(tmpdir(), 'lloyd-no-such-worker.js');
    const started = performance.now();
    const km = new KMeans(options);
    await expect(km.fitAsync(X, { workerUrl: missing })).rejects.toThrow(
      `fitAsync: the fit worker did not start from ${pathToFileURL(missing).href} (no such file). Where a bundler leaves lloyd's worker behind, serve or copy the 'lloyd/fit-worker' module and pass its URL as fitAsync's workerUrl option, or fit with fit`,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(km.isFitted).toBe(false);
  });

  it('a worker script that fails to load rejects at once, naming it and why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lloyd-worker-'));
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, "import 'lloyd-no-such-package';\n");
    try {
      const started = performance.now();
      const outcome = await settled(new KMeans(options).fitAsync(X, { workerUrl: broken }));
      expect(performance.now() - started).toBeLessThan(1000);
      const message = String((outcome as { rejected?: Error }).rejected?.message);
      expect(message).toMatch(
        new RegExp(
          `^fitAsync: the fit worker did not start from ${pathToFileURL(broken).href} \\(Cannot find package 'lloyd-no-such-package'`,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a workerUrl that is neither a string nor a URL, naming it', async () => {
    const bad = { workerUrl: 42 } as unknown as { workerUrl: string };
    await expect(new KMeans(options).fitAsync(X, bad)).rejects.toThrow(
      new ValidationError(
        'workerUrl',
        "must be a URL or a string (the fit worker's URL or file path), got number",
      ),
    );
  });
});

describe('fitAsync from `node --input-type=module -e`', () => {
  it('starts its worker without the flag, which a worker started from a file refuses', async () => {
    const { execFile } = await import('node:child_process');
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const script = `import { KMeans } from '${entry}';
const km = await new KMeans({ nClusters: 2, randomState: 0 }).fitAsync([[0], [1], [10], [11]]);
console.log(km.inertia);`;
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('1\n');
    const { workerExecArgv } = await import('../src/kmeans/fit-async.js');
    expect(workerExecArgv(['--input-type', 'module', '--max-old-space-size=100'])).toEqual([
      '--max-old-space-size=100',
    ]);
    expect(workerExecArgv(['--input-type=commonjs'])).toEqual([]);
  });
});

describe('overlapping fits on one instance', () => {
  const { X: big } = makeBlobs({ nSamples: 20000, nFeatures: 16, centers: 8, randomState: 3 });
  const small = [[0], [1], [10], [11]];
  const busy =
    /^(fit|fitAsync): this KMeans is busy: its fitAsync has not settled; await it \(or abort it\) before fitting again, or use another instance$/;

  it('a fit or fitAsync while a fitAsync is pending throws; the pending one lands', async () => {
    const km = new KMeans({ nClusters: 3, randomState: 0 });
    const first = km.fitAsync(big);
    await expect(km.fitAsync(small)).rejects.toThrow(busy);
    expect(() => km.fit(small)).toThrow(busy);
    expect(() => km.fit(small)).toThrow(ValidationError);
    await first;
    expect(km.nFeatures).toBe(16);
    // Settled: the instance takes the next fit.
    km.fit(small);
    expect(km.nFeatures).toBe(1);
    await km.fitAsync(big);
    expect(km.nFeatures).toBe(16);
  });

  it('a rejected or aborted fitAsync frees the instance; the earlier model stays', async () => {
    const km = new KMeans({ nClusters: 2, randomState: 0 }).fit(small);
    await expect(km.fitAsync([[1]])).rejects.toThrow(/nClusters/);
    const controller = new AbortController();
    const aborted = km.fitAsync(big, { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(km.nFeatures).toBe(1);
    await km.fitAsync(small);
    expect(km.inertia).toBe(1);
  });

  it('a fit started from its own onIteration throws (sync fit too)', () => {
    const km: KMeans = new KMeans({
      nClusters: 2,
      randomState: 0,
      onIteration: () => void km.fit(small),
    });
    expect(() => km.fit(small)).toThrow(
      /^fit: this KMeans is busy: a fit on it is running \(called from its onIteration or init\)/,
    );
    expect(km.isFitted).toBe(false);
  });
});
