import { ValidationError } from '../errors.js';
import { allocateMatrix, type Matrix, type MatrixAllocator } from '../matrix.js';
import type { TextLayout } from './sniff.js';

/** Rows read from a file: features, the optional label column kept apart, and column names. */
export interface LoadedData {
  X: Matrix;
  /** The label column's values (numbers when all are numeric, else strings), when one was chosen. */
  labels?: (number | string)[];
  /** Names of the feature columns (from the header, or "0", "1", ... without one). */
  columnNames: string[];
  labelName?: string;
  /** Delimited text only: the delimiter read and the lines skipped before the table. */
  layout?: TextLayout;
}

/** Options of the delimited-text readers. */
export interface CsvOptions {
  /**
   * Field delimiter; a space means runs of spaces and tabs. Default: sniffed from the first lines
   * (comma, tab, semicolon, pipe or whitespace, see `sniffLayout`), else tab for .tsv files and
   * comma otherwise.
   */
  delimiter?: string;
  /**
   * Lines before the table (its header or first row), skipped unread. Default: sniffed; a line
   * or a few above the table that are not part of it (a title, a "rows,cols" line) are skipped.
   */
  skipRows?: number;
  /** Lines that start with this text are skipped, e.g. '#'. Default: none. */
  comment?: string;
  /** Whether the first line names the columns. 'auto' (default): yes when none of its fields is a number. */
  header?: boolean | 'auto';
  /** Feature columns, by name or 0-based index. Default: every column but the label column. */
  columns?: (string | number)[];
  /** A column kept apart as labels (by name or 0-based index), e.g. the true class. */
  labelColumn?: string | number;
  /** Element type of X. Default float64. */
  dtype?: 'float64' | 'float32';
  /** Makes X (default: a new matrix); `sharedMatrix` lets fits use it where it lies. */
  allocate?: MatrixAllocator;
  /**
   * The most characters one record (line) may hold when streamed by `readCsv`; a longer one is
   * an error naming the file and line. Default `DEFAULT_MAX_RECORD_SIZE` (64 MiB).
   */
  maxRecordSize?: number;
}

/**
 * 64 Mi characters a record: far above any real row, far below V8's longest string (~512 Mi),
 * past which a single 250 MB line aborted the process instead of failing.
 */
export const DEFAULT_MAX_RECORD_SIZE = 64 * 1024 * 1024;

/** The delimiter a file name implies: tab for .tsv (optionally .gz), otherwise comma. */
export function csvDelimiter(name: string): string {
  return /\.tsv(\.gz)?$/i.test(name) ? '\t' : ',';
}

/** A decimal number: digits with an optional sign, point and exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses one CSV field as a number, or returns undefined. Only decimal numbers are numbers: empty
 * fields, NaN, Infinity and JavaScript's hex, binary and octal forms (0x10, 0b11, 0o7) are not.
 */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Turns delimited records into a matrix as they arrive, so large files never sit in memory as
 * strings or nested arrays. Errors name the source, line and column.
 */
export class TableBuilder {
  private readonly options: CsvOptions;
  private readonly source: string;
  private featureIndex: number[] = [];
  private labelIndex = -1;
  private width = -1;
  private names: string[] = [];
  private header = false;
  private values = new Float64Array(1024);
  private count = 0;
  private rows = 0;
  private readonly labels: string[] = [];

  constructor(source: string, options: CsvOptions = {}) {
    this.source = source;
    this.options = options;
  }

  /** Adds one record; `line` is its 1-based line number in the file. */
  add(record: string[], line: number): void {
    if (this.width < 0 && this.start(record, line)) return;
    if (record.length !== this.width) {
      throw this.error(line, `has ${record.length} fields; the first line has ${this.width}`);
    }
    if (this.rows <= 1) this.checkEarlyRow(record, line);
    for (const j of this.featureIndex) {
      const v = parseNumber(record[j]);
      if (v === undefined) {
        const shown =
          record[j].trim() === '' ? 'is empty' : `is ${shortField(record[j])}, not a finite number`;
        throw this.error(line, `column ${j + 1} (${this.names[j]}) ${shown}`);
      }
      if (this.count === this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
      this.values[this.count++] = v;
    }
    if (this.labelIndex >= 0) this.labels.push(record[this.labelIndex].trim());
    this.rows++;
  }

  /**
   * The values added since the last drain, row-major (a view of the builder's buffer, valid until
   * the next add): a caller that writes rows out as they come (a file read pass by pass) keeps
   * the builder's memory to one batch.
   */
  drain(): Float64Array {
    const values = this.values.subarray(0, this.count);
    this.count = 0;
    return values;
  }

  /** The table's shape and column names, for rows drained as they came. */
  shape(): { rows: number; cols: number; columnNames: string[] } {
    if (this.rows === 0) throw new ValidationError('file', `${this.source}: no data rows`);
    return {
      rows: this.rows,
      cols: this.featureIndex.length,
      columnNames: this.featureIndex.map((j) => this.names[j]),
    };
  }

  /** The finished table. */
  finish(): LoadedData {
    if (this.rows === 0) throw new ValidationError('file', `${this.source}: no data rows`);
    const cols = this.featureIndex.length;
    const X = allocateMatrix(this.rows, cols, this.options.dtype, this.options.allocate);
    X.data.set(this.values.subarray(0, this.count));
    const result: LoadedData = {
      X,
      columnNames: this.featureIndex.map((j) => this.names[j]),
    };
    if (this.labelIndex >= 0) {
      const numeric = this.labels.every((v) => parseNumber(v) !== undefined);
      result.labels = numeric ? this.labels.map(Number) : [...this.labels];
      result.labelName = this.names[this.labelIndex];
    }
    return result;
  }

  /** Reads the column layout from the first record; returns whether that record is a header. */
  private start(record: string[], line: number): boolean {
    this.width = record.length;
    const { header: headerOption = 'auto' } = this.options;
    const header =
      headerOption === 'auto'
        ? record.every((field) => parseNumber(field) === undefined)
        : headerOption;
    this.header = header;
    this.names = header ? record.map((f) => f.trim()) : record.map((_, j) => String(j));
    const resolve = (column: string | number, parameter: string): number => {
      if (typeof column === 'number') {
        if (Number.isInteger(column) && column >= 0 && column < this.width) return column;
      } else {
        const at = this.names.indexOf(column);
        if (at >= 0) return at;
        const asIndex = /^\d+$/.test(column) ? Number(column) : -1;
        if (asIndex >= 0 && asIndex < this.width) return asIndex;
      }
      throw new ValidationError(
        parameter,
        `${this.source}: no column ${JSON.stringify(column)} (line ${line} has ${header ? `columns ${this.names.join(', ')}` : `${this.width} unnamed columns, 0-based`})`,
      );
    };
    this.labelIndex =
      this.options.labelColumn === undefined
        ? -1
        : resolve(this.options.labelColumn, 'labelColumn');
    this.featureIndex = this.options.columns
      ? this.options.columns.map((c) => resolve(c, 'columns'))
      : this.names.map((_, j) => j).filter((j) => j !== this.labelIndex);
    if (this.featureIndex.length === 0)
      throw new ValidationError('columns', `${this.source}: no feature columns are left`);
    return header;
  }

  /**
   * The first data row's text in feature columns, all named at once with the option that leaves
   * them out; a second row of names under a first line read as data hints at lines to skip.
   */
  private checkEarlyRow(record: string[], line: number): void {
    const text = this.featureIndex.filter(
      (j) => record[j].trim() !== '' && parseNumber(record[j]) === undefined,
    );
    if (text.length === 0) return;
    const named = text.map((j) => `${j + 1} (${this.names[j]}) is ${shortField(record[j])}`);
    if (this.rows === 1 && !this.header && text.length === this.featureIndex.length)
      throw this.error(
        line,
        `holds names (${record.slice(0, 3).map(shortField).join(', ')}...) under a first line read as data: if the lines above it are not the table's, skip them with skipRows (--skip-rows N)`,
      );
    if (this.rows === 1) return;
    if (this.options.columns !== undefined)
      throw this.error(line, `column ${named[0]}, not a finite number`);
    const numeric = this.featureIndex.filter((j) => !text.includes(j)).map((j) => this.names[j]);
    throw this.error(
      line,
      `${text.length === 1 ? 'column' : 'columns'} ${named.join(', ')}, not ${text.length === 1 ? 'a finite number' : 'finite numbers'}. Leave text out with columns (--columns ${numeric.join(',') || 'A,B'}), or keep one apart as labelColumn (--label-column ${this.names[text[0]]})`,
    );
  }

  private error(line: number, message: string): ValidationError {
    return new ValidationError('file', `${this.source}, line ${line}: ${message}`);
  }
}

/** A field for a message: quoted, and cut short past 40 characters (a field can be huge). */
function shortField(field: string): string {
  return field.length <= 40
    ? JSON.stringify(field)
    : `${JSON.stringify(`${field.slice(0, 40)}…`)} (${field.length} characters)`;
}
