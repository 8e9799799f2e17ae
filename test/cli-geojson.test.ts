import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GeoPointCollection } from '../src/geo/types.js';
import { clustersKmeans } from '../src/geo.js';

const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

/** Runs the built `lloyd` command, with stdout and stderr piped. */
function lloyd(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const points: GeoPointCollection = {
  type: 'FeatureCollection',
  features: [
    [179.9, 10],
    [-179.9, 10.2],
    [179.7, 9.9],
    [2.35, 48.85],
    [2.4, 48.9],
    [2.3, 48.8],
    [-74, 40.7],
    [-73.9, 40.8],
  ].map((coordinates, i) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates },
    properties: { id: i },
  })),
};

describe('lloyd fit points.geojson', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lloyd-geojson-'));
  const input = join(dir, 'points.geojson');
  writeFileSync(input, JSON.stringify(points));

  it('writes the points back with cluster and centroid, as clustersKmeans gives them', async () => {
    const out = join(dir, 'clustered.geojson');
    const r = await lloyd('fit', input, '-k', '3', '--geodesic', '--seed', '0', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lloyd fit: .*points\.geojson \(8 points\), k=3, geodesic/);
    expect(r.stdout).toMatch(/inertia [\d.e+]+ m² \(squared chord distances\)/);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    const expected = clustersKmeans(points, {
      numberOfClusters: 3,
      geodesic: true,
      randomState: 0,
    });
    expect(written).toEqual(JSON.parse(JSON.stringify(expected)));
    const labels = written.features.map(
      (f: { properties: { cluster: number } }) => f.properties.cluster,
    );
    expect(new Set(labels.slice(0, 3)).size).toBe(1);
  });

  it('writes GeoJSON to standard output by default, the summary to stderr, k as Turf', async () => {
    const r = await lloyd('fit', input, '--json');
    expect(r.code).toBe(0);
    const written = JSON.parse(r.stdout);
    // Turf's default k: round(sqrt(8 / 2)) = 2.
    expect(
      new Set(
        written.features.map((f: { properties: { cluster: number } }) => f.properties.cluster),
      ).size,
    ).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ converged: true });
  });

  it('names the file and the feature of a bad point, exit 1', async () => {
    const bad = join(dir, 'bad.geojson');
    writeFileSync(
      bad,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: { type: 'Point', coordinates: [10, 95] }, properties: {} },
        ],
      }),
    );
    const r = await lloyd('fit', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.geojson: feature 0 has latitude 95, outside \[-90, 90\]/);
    writeFileSync(bad, '{"type": "FeatureCollection", ');
    expect((await lloyd('fit', bad)).stderr).toMatch(/bad\.geojson: not valid JSON/);
    expect((await lloyd('fit', input, '--out', input)).stderr).toMatch(
      /is an input of this command/,
    );
  });
});
