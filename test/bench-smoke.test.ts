import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('npm run bench', () => {
  it('runs its smoke case: every JavaScript system reaches the same inertia from the same start, and the peers the same results', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = execFileSync(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'bench/run.ts', '--smoke', '--no-python'],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 120_000,
      },
    );
    const rows = out.split('\n').filter((line) => line.startsWith('| smoke | float64'));
    const systems = rows.map((line) => line.split('|')[3].trim());
    expect(systems).toEqual(
      expect.arrayContaining(['lloyd', 'lloyd-reference', 'ml-kmeans', 'skmeans']),
    );
    const inertias = new Set(rows.map((line) => line.split('|')[8].trim()));
    expect(inertias.size).toBe(1);
    // The JavaScript peers' tasks: Turf's and simple-statistics' results equal lloyd's.
    const peers = out.split('\n').filter((line) => /^\| smoke (clustersKmeans|ckmeans)/.test(line));
    expect(peers.map((line) => line.split('|')[2].trim())).toEqual([
      'lloyd',
      'turf',
      'lloyd',
      'simple-statistics',
    ]);
    // Columns: task, system, warm ms, x lloyd, first call ms, x lloyd, peak RSS, same result.
    expect(peers.map((line) => line.split('|')[8].trim())).toEqual(['yes', 'yes', 'yes', 'yes']);
  }, 150_000);

  it('runs the family smoke case: both estimators give a row', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = execFileSync(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'bench/run.ts', '--family', '--smoke', '--no-python'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 },
    );
    const rows = out.split('\n').filter((line) => line.startsWith('| family-smoke |'));
    expect(rows.map((line) => line.split('|')[2].trim())).toEqual(['minibatch', 'bisecting']);
    for (const row of rows) expect(Number(row.split('|')[6])).toBeGreaterThan(0);
  }, 150_000);
});
