import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlagTable } from '../src/cli/args.js';
import { BLOCKS_FLAGS } from '../src/cli/commands/blocks.js';
import { ELBOW_FLAGS } from '../src/cli/commands/elbow.js';
import { EVALUATE_FLAGS } from '../src/cli/commands/evaluate.js';
import { FIT_FLAGS } from '../src/cli/commands/fit.js';
import { FIT_GEOJSON_FLAGS } from '../src/cli/commands/fit-geojson.js';
import { INERTIA_FLAGS } from '../src/cli/commands/inertia.js';
import { MERGE_FLAGS } from '../src/cli/commands/merge.js';
import { PASS_FLAGS } from '../src/cli/commands/pass.js';
import { PREDICT_FLAGS } from '../src/cli/commands/predict.js';
import { REPORT_COMMAND_FLAGS } from '../src/cli/commands/report.js';
import { PLAN_FLAGS, UPDATE_FLAGS } from '../src/cli/commands/update.js';
import { fixtures, lloyd } from './helpers/lloyd.js';

const sklearn = (name: string) => join(fixtures, 'sklearn', name);
const customers = join(fixtures, 'customers.csv');
const tmp = () => mkdtempSync(join(tmpdir(), 'lloyd-real-'));
/** -k K with seed 0: every fit here is reproducible. */
const seeded = (k: number) => ['-k', String(k), '--seed', '0'];

/** A fit's --json output. */
async function fitJson(...args: string[]) {
  const r = await lloyd('fit', ...args, '--json');
  expect(r.stderr, args.join(' ')).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as {
    labels: number[];
    centroids: number[][];
    centroidsInOriginalUnits?: number[][];
    inertia: number;
    scores?: { against: string; purity: number; ari: number; nmi: number };
  };
}

describe('help: every flag the parser accepts is described', () => {
  const commands: [string[], FlagTable][] = [
    [['fit'], FIT_FLAGS],
    [['fit', 'points.geojson'], FIT_GEOJSON_FLAGS],
    [['predict'], PREDICT_FLAGS],
    [['elbow'], ELBOW_FLAGS],
    [['evaluate'], EVALUATE_FLAGS],
    [['report'], REPORT_COMMAND_FLAGS],
    [['blocks'], BLOCKS_FLAGS],
    [['pass'], PASS_FLAGS],
    [['merge'], MERGE_FLAGS],
    [['plan'], PLAN_FLAGS],
    [['update'], UPDATE_FLAGS],
    [['inertia'], INERTIA_FLAGS],
  ];
  for (const [command, flags] of commands)
    it(`lloyd ${command.join(' ')} --help`, async () => {
      const r = await lloyd(...command, '--help');
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      const section = lines.slice(lines.indexOf('flags:') + 1);
      expect(section.length).toBeGreaterThan(0);
      for (const [name, flag] of Object.entries(flags)) {
        const at = section.findIndex((l) => new RegExp(`^ +(-\\w, )?--${name}\\b`).test(l));
        expect(at, `--${name}`).toBeGreaterThanOrEqual(0);
        // The description is on the flag's line, or the next when the flag is long.
        const text = section.slice(at, at + 2).join(' ');
        expect(text).toContain(flag.help);
        if (flag.default !== undefined) expect(text).toContain(`default: ${flag.default}`);
        if (flag.choices) expect(text).toContain(`one of: ${flag.choices.join(', ')}`);
      }
      // And nothing else: the help lists the flags the parser accepts.
      expect(section.filter((l) => /^ +(-\w, )?--[\w-]+/.test(l))).toHaveLength(
        Object.keys(flags).length,
      );
    });

  it('fit --help says what --tol is relative to and what --algorithm auto picks', async () => {
    const r = await lloyd('fit', '--help');
    expect(r.stdout).toMatch(
      /--tol X +converged when the centroids move less than X times the mean variance/,
    );
    expect(r.stdout).toMatch(/auto keeps Hamerly's distance bounds from k = 8/);
    expect(r.stdout).toMatch(/--dtype TYPE +the element type/);
    expect(r.stdout).toMatch(/--delimiter C +the field delimiter/);
  });

  it('a mistyped flag names the nearest one, exit 2', async () => {
    const r = await lloyd('fit', 'dataset:iris', '-k', '3', '--delimeter', ',');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lloyd: unknown flag --delimeter; did you mean --delimiter\?\n/);
    expect(r.stderr).toContain('(lloyd fit --help lists every flag)');
    const far = await lloyd('fit', 'dataset:iris', '-k', '3', '--frobnicate');
    expect(far.stderr).toMatch(/^lloyd: unknown flag --frobnicate\n/);
    const standardise = await lloyd('elbow', 'dataset:iris', '--standardise');
    expect(standardise.stderr).toMatch(/did you mean --standardize\?/);
  });
});

describe("scikit-learn's own data files", () => {
  it('whitespace-separated: diabetes_data_raw.csv.gz, sniffed as numpy.loadtxt reads it', async () => {
    const r = await lloyd('fit', sklearn('diabetes_data_raw.csv.gz'), ...seeded(3), '--verbose');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('as whitespace-separated (sniffed)');
    expect(r.stdout).toContain('(442 x 10)');
    const sniffed = await fitJson(sklearn('diabetes_data_raw.csv.gz'), ...seeded(3));
    const given = await fitJson(
      sklearn('diabetes_data_raw.csv.gz'),
      ...seeded(3),
      '--delimiter',
      ' ',
    );
    expect(sniffed.inertia).toBe(given.inertia);
    expect(sniffed.labels).toEqual(given.labels);
  });

  it('whitespace-separated with a header: linnerud_exercise.csv', async () => {
    const r = await lloyd('fit', sklearn('linnerud_exercise.csv'), ...seeded(2));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(20 x 3)');
    expect(r.stdout).toContain('centroid (Chins, Situps, Jumps)');
  });

  it('a metadata line above the table is skipped: wine, iris, boston', async () => {
    const wine = await lloyd('fit', sklearn('wine_data.csv'), ...seeded(3), '--verbose');
    expect(wine.code).toBe(0);
    expect(wine.stderr).toContain('comma-separated (sniffed), 1 line skipped before the table');
    expect(wine.stdout).toContain('(178 x 14)');
    const iris = await lloyd('fit', sklearn('iris.csv'), ...seeded(3), '--label-column', '4');
    expect(iris.stdout).toContain('(150 x 4)');
    // scikit-learn 1.2.1's KMeans(3, n_init=1, random_state=0) on the same rows: ARI 0.7163421126838476.
    expect(iris.stdout).toMatch(/against 4: purity 0\.8867 {3}ARI 0\.7163 {3}NMI 0\.7419/);
    const boston = await lloyd(
      'fit',
      sklearn('boston_house_prices_head.csv'),
      ...seeded(2),
      '--label-column',
      'MEDV',
    );
    expect(boston.code).toBe(0);
    expect(boston.stdout).toContain('(30 x 13)');
    // Skipping the line by hand gives the same fit; keeping it is an error that says what to do.
    const auto = await fitJson(sklearn('wine_data.csv'), ...seeded(3));
    const byHand = await fitJson(sklearn('wine_data.csv'), ...seeded(3), '--skip-rows', '1');
    expect(auto.inertia).toBe(byHand.inertia);
    const kept = await lloyd(
      'fit',
      sklearn('boston_house_prices_head.csv'),
      '-k',
      '2',
      '--skip-rows',
      '0',
    );
    expect(kept.code).toBe(1);
    expect(kept.stderr).toMatch(/line 1: column 3 \(2\) is empty/);
  });

  it("--standardize on wine gives scikit-learn 1.2.1's StandardScaler + KMeans answer", async () => {
    // scikit-learn 1.2.1: KMeans(3, n_init=1, random_state=0).fit(StandardScaler().fit_transform(
    // np.loadtxt('wine_data.csv', delimiter=',', skiprows=1)[:, :13])): inertia_ 1279.9661527749454,
    // adjusted_rand_score with column 13: 0.8803997758776985.
    const out = await fitJson(
      sklearn('wine_data.csv'),
      ...seeded(3),
      '--label-column',
      '13',
      '--standardize',
    );
    expect(out.inertia).toBeCloseTo(1279.9661527749454, 9);
    expect(out.scores?.ari).toBeCloseTo(0.8803997758776985, 12);
    // The centroids in the input's units are the mean rows of their clusters.
    const rows = readFileSync(sklearn('wine_data.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    const members = rows.filter((_, i) => out.labels[i] === 0);
    const alcohol = members.reduce((sum, row) => sum + row[0], 0) / members.length;
    expect(out.centroidsInOriginalUnits?.[0][0]).toBeCloseTo(alcohol, 9);
  });

  it('--stream reads the sniffed layout too: the same fit as the layout given', async () => {
    const given = await fitJson(
      sklearn('wine_data.csv'),
      ...seeded(3),
      '--stream',
      '--delimiter',
      ',',
      '--skip-rows',
      '1',
    );
    const streamed = await fitJson(sklearn('wine_data.csv'), ...seeded(3), '--stream');
    expect(streamed.labels).toHaveLength(178);
    expect(streamed.inertia).toBe(given.inertia);
    const refused = await lloyd(
      'fit',
      sklearn('wine_data.csv'),
      '-k',
      '3',
      '--stream',
      '--standardize',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--standardize needs the rows loaded/);
  });

  it('--skip-rows and --comment, loaded and streamed', async () => {
    const dir = tmp();
    const path = join(dir, 'notes.csv');
    writeFileSync(
      path,
      'exported 2026-12-02 by a tool\n\n# a comment\na;b\n1;2\n# another\n1;3\n9;9\n8;9\n',
    );
    for (const stream of [[], ['--stream']]) {
      const out = await fitJson(
        path,
        ...seeded(2),
        '--skip-rows',
        '1',
        '--comment',
        '#',
        ...stream,
      );
      expect(out.labels).toHaveLength(4);
      expect(out.inertia).toBeCloseTo(0.5 + 0.5, 12);
    }
    const bad = await lloyd('fit', path, '-k', '2', '--skip-rows', '-1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--skip-rows must be an integer >= 0; got "-1"/);
  });
});

describe('columns a user means', () => {
  it('warns of an id column, and --drop-id leaves it out', async () => {
    const warned = await lloyd('fit', customers, ...seeded(3), '--label-column', 'city');
    expect(warned.code).toBe(0);
    expect(warned.stderr).toBe(
      'lloyd: warning: column 1 (customer_id) looks like a row id (whole numbers, strictly increasing or decreasing) and is fitted as a feature; leave it out with --drop-id or --columns\n',
    );
    const dropped = await fitJson(customers, ...seeded(3), '--label-column', 'city', '--drop-id');
    const chosen = await fitJson(customers, ...seeded(3), '--columns', 'age,income,spend');
    expect(dropped.inertia).toBe(chosen.inertia);
    expect(dropped.labels).toEqual(chosen.labels);
  });

  it('names the text columns in the error, with the flags that skip them', async () => {
    const r = await lloyd('fit', customers, '-k', '3');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'line 2: column 2 (city) is "Oslo", not a finite number. Leave text out with columns (--columns customer_id,age,income,spend), or keep one apart as labelColumn (--label-column city)',
    );
  });

  it('--standardize and --minmax: one at most', async () => {
    const r = await lloyd('fit', customers, '-k', '3', '--standardize', '--minmax');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--standardize and --minmax are two scalings; give one/);
  });

  it('a saved model remembers its columns and scaling; predict needs no flags', async () => {
    const dir = tmp();
    const model = join(dir, 'm.json');
    const labels = join(dir, 'labels.csv');
    const fit = await lloyd(
      'fit',
      customers,
      ...seeded(3),
      '--label-column',
      'city',
      '--drop-id',
      '--minmax',
      '--model-out',
      model,
      '--labels-out',
      labels,
    );
    expect(fit.code).toBe(0);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved.input).toMatchObject({
      featureNames: ['age', 'income', 'spend'],
      labelColumn: 'city',
      droppedIdColumns: ['customer_id'],
      scaler: { scaling: 'minmax' },
    });
    // Its columns in another order, beside a text column, without the id or the labels.
    const r = await lloyd('predict', '--model', model, join(fixtures, 'customers-new.csv'));
    expect(r.code).toBe(0);
    const fitted = readFileSync(labels, 'utf8').trim().split('\n').slice(0, 6);
    expect(r.stdout.trim().split('\n')).toEqual(fitted);
    const lacking = await lloyd('predict', '--model', model, sklearn('iris.csv'));
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toContain(
      `has no column "age", which ${model} was fitted on (its columns: age, income, spend)`,
    );
  });
  it("refuses a model whose input block is broken, naming the model's file", async () => {
    const dir = tmp();
    const model = join(dir, 'm.json');
    await lloyd('fit', customers, ...seeded(2), '--columns', 'age,income', '--model-out', model);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    for (const [input, message] of [
      [{ featureNames: [] }, 'its input block must list featureNames, the columns fitted on'],
      [
        { featureNames: ['age', 'income'], scaler: { scaling: 'minmax', offset: [0], scale: [1] } },
        'its input block scaler has 1 columns; featureNames has 2',
      ],
      [
        {
          featureNames: ['age', 'income'],
          scaler: { scaling: 'minmax', offset: [0, 0], scale: [1, -1] },
        },
        'not a lloyd scaler: scale must be a non-empty array of finite numbers > 0',
      ],
    ] as const) {
      writeFileSync(model, JSON.stringify({ ...saved, input }));
      const r = await lloyd('predict', '--model', model, customers);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
    }
  });
});

describe('evaluate', () => {
  it('--truth-column reads the classes from a table; classes print as their names', async () => {
    const dir = tmp();
    const labels = join(dir, 'labels.csv');
    await lloyd(
      'fit',
      customers,
      ...seeded(3),
      '--columns',
      'age,income,spend',
      '--labels-out',
      labels,
    );
    const r = await lloyd(
      'evaluate',
      '--truth',
      customers,
      '--truth-column',
      'city',
      '--pred',
      labels,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nLima /);
    expect(r.stdout).toMatch(/\nOslo /);
    const json = JSON.parse(
      (
        await lloyd(
          'evaluate',
          '--truth',
          customers,
          '--truth-column',
          'city',
          '--pred',
          labels,
          '--json',
        )
      ).stdout,
    );
    expect(json.contingency.classes).toEqual(['Lima', 'Oslo', 'Pune']);
    const missing = await lloyd(
      'evaluate',
      '--truth',
      customers,
      '--truth-column',
      'town',
      '--pred',
      labels,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      'has no column "town"; its columns are customer_id, city, age, income, spend',
    );
  });

  it("a dataset's classes print as their names", async () => {
    const dir = tmp();
    const labels = join(dir, 'labels.csv');
    await lloyd('fit', 'dataset:iris', ...seeded(3), '--labels-out', labels);
    const r = await lloyd('evaluate', '--truth', 'dataset:iris', '--pred', labels);
    expect(r.stdout).toMatch(/\nsetosa +/);
    expect(r.stdout).toMatch(/\nvirginica +/);
  });
});
