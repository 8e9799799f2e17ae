import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../src/report/report.js';

describe('the report (npm start)', () => {
  it('is produced from a clean state with every section and finite numbers', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lloyd-report-')), 'report');
    const steps: string[] = [];
    const result = await writeReport(dir, (step) => steps.push(step));
    expect(result.sections).toEqual([
      '1. Sanity check: the toy data, k = 2',
      '2. Iris, first two features (sepal length and width), k = 3',
      '3. The elbow method on the iris training set, k = 1..10',
      '4. MNIST: 10,000 digits, k = 10',
      '5. Time and machine',
    ]);
    for (const [name, value] of Object.entries(result.numbers))
      expect(Number.isFinite(value), name).toBe(true);
    expect(result.numbers.toyInertia).toBe(16);
    for (const file of [
      'index.html',
      'README.md',
      'iris-clusters.png',
      'elbow.png',
      'mnist-contingency.png',
      'mnist-centroids.png',
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('data:image/png;base64,');
    expect(html).not.toMatch(/<td>[^<]*(NaN|undefined|Infinity)/);
    const markdown = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const section of result.sections) expect(markdown).toContain(`## ${section}`);
    expect(steps.length).toBeGreaterThanOrEqual(4);
  }, 180_000);
});
