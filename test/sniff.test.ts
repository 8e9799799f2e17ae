import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/data/csv-text.js';
import { loadFile } from '../src/data/node/files.js';
import { sniffLayout, WHITESPACE } from '../src/data/sniff.js';

describe('sniffLayout', () => {
  it('picks the delimiter that splits every line alike', () => {
    expect(sniffLayout('a,b,c\n1,2,3\n4,5,6\n', 'x.txt').delimiter).toBe(',');
    expect(sniffLayout('a\tb\n1\t2\n3\t4\n', 'x.csv').delimiter).toBe('\t');
    expect(sniffLayout('a;b\n1,5;2,5\n3;4\n', 'x').delimiter).toBe(';');
    expect(sniffLayout('a|b\n1|2\n', 'x').delimiter).toBe('|');
    expect(sniffLayout(' 59 2  32.1\n48 1\t21.6\n', 'x').delimiter).toBe(WHITESPACE);
    // "1, 2": comma and whitespace both split it in two; the comma comes first.
    expect(sniffLayout('1, 2\n3, 4\n', 'x').delimiter).toBe(',');
  });

  it('one column: the delimiter the name implies, not sniffed', () => {
    expect(sniffLayout('1\n2\n3\n', 'x.tsv')).toEqual({
      delimiter: '\t',
      skipRows: 0,
      sniffed: false,
    });
    expect(sniffLayout('1\n2\n3\n', 'x.csv')).toEqual({
      delimiter: ',',
      skipRows: 0,
      sniffed: false,
    });
  });

  it('skips metadata lines above the table, unless skipRows is given', () => {
    // (a) another width; (b) numbers above a header; (c) text where the rows below hold numbers.
    expect(sniffLayout('178,13,c0,c1,c2\n1,2,3,4,5,6\n7,8,9,1,2,3\n', 'x').skipRows).toBe(1);
    expect(sniffLayout('506,13,,\n"A","B","C","D"\n1,2,3,4\n', 'x').skipRows).toBe(1);
    expect(sniffLayout('150,4,setosa\n5.1,3.5,0\n4.9,3,0\n', 'x').skipRows).toBe(1);
    expect(sniffLayout('150,4,setosa\n5.1,3.5,0\n', 'x', { skipRows: 0 }).skipRows).toBe(0);
    // A header, text columns, ragged rows: nothing skipped.
    expect(sniffLayout('id,name\n1,Ann\n2,Bo\n', 'x').skipRows).toBe(0);
    expect(sniffLayout('a,b\n1,2\n3\n', 'x').skipRows).toBe(0);
  });

  it('ignores comment and blank lines', () => {
    expect(sniffLayout('# a;b;c\n\n1,2\n3,4\n', 'x', { comment: '#' })).toEqual({
      delimiter: ',',
      skipRows: 0,
      sniffed: true,
    });
  });
});

describe('both readers read the same text alike', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lloyd-sniff-'));
  const cases: [string, string, Record<string, unknown>][] = [
    ['whitespace', '  a  b\n 1 2  \n3\t\t4\n\n', {}],
    ['metadata line', 'title line\na;b\n1;2\n3;4\n', {}],
    ['skip and comment', 'x\ny\n# c\na,b\n1,2\n#d\n3,4\n', { skipRows: 2, comment: '#' }],
    ['quoted', 'a|"b|c"\n1|2\n3|4\n', {}],
  ];
  for (const [name, text, options] of cases)
    it(name, async () => {
      const path = join(dir, `${name.replace(/ /g, '-')}.csv`);
      writeFileSync(path, text);
      const inMemory = parseCsv(text, { ...options, source: path });
      const streamed = await loadFile(path, options);
      expect(Array.from(inMemory.X.data)).toEqual([1, 2, 3, 4]);
      expect(Array.from(streamed.X.data)).toEqual([1, 2, 3, 4]);
      expect(streamed.columnNames).toEqual(inMemory.columnNames);
      expect(streamed.layout).toEqual(inMemory.layout);
    });

  it('a second line of names under a first line read as data says to skip lines', () => {
    expect(() => parseCsv('1,2\na,b\n3,4\n', { skipRows: 0 })).toThrow(
      /line 2: holds names \("a", "b"\.\.\.\) under a first line read as data: if the lines above it are not the table's, skip them with skipRows \(--skip-rows N\)/,
    );
  });
});
