import { ValidationError } from '../errors.js';
import { sniffLayout, WHITESPACE } from './sniff.js';
import { type CsvOptions, type LoadedData, TableBuilder } from './table.js';

/** Bytes of the text's head that sniffing reads. */
export const SNIFF_BYTES = 1 << 16;

/** Options of {@link parseCsv}: the reader's options, and a name for error messages. */
export interface ParseCsvOptions extends CsvOptions {
  /** Names the text in errors (a file name). Default "CSV". */
  source?: string;
}

/**
 * Parses delimited text held in memory (RFC 4180: quoted fields, doubled quotes, CRLF, a BOM)
 * into a matrix, with the same options and errors as `readCsv`. Browser-safe; for files too large
 * to hold as text, Node's `readCsv` streams instead.
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): LoadedData {
  const source = options.source ?? 'CSV';
  const layout = sniffLayout(text.slice(0, SNIFF_BYTES), source, options);
  const builder = new TableBuilder(source, options);
  for (const { record, line } of records(text, layout.delimiter, source, {
    skipRows: layout.skipRows,
    comment: options.comment,
  }))
    builder.add(record, line);
  return { ...builder.finish(), layout };
}

/** Where records start: lines skipped unread, and the mark of a comment line. */
export interface RecordOptions {
  skipRows?: number;
  comment?: string;
}

/**
 * Splits text into records, each with the line it starts on; empty lines, the first `skipRows`
 * lines and lines starting with `comment` are skipped. {@link WHITESPACE} as the delimiter splits
 * on runs of spaces and tabs. (Internal; exported for tests.)
 */
export function* records(
  text: string,
  delimiter: string,
  source: string,
  options: RecordOptions = {},
): Generator<{ record: string[]; line: number }> {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const whitespace = delimiter === WHITESPACE;
  const isDelimiter = (c: string) => (whitespace ? c === ' ' || c === '\t' : c === delimiter);
  const skipLine = () => {
    const end = text.indexOf('\n', at);
    at = end < 0 ? text.length : end + 1;
    line++;
  };
  for (let skipped = 0; skipped < (options.skipRows ?? 0) && at < text.length; skipped++)
    skipLine();
  while (at < text.length) {
    if (whitespace) while (text[at] === ' ' || text[at] === '\t') at++;
    if (options.comment !== undefined && text.startsWith(options.comment, at)) {
      skipLine();
      continue;
    }
    const startLine = line;
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (text[at] === '"') {
        at++;
        for (;;) {
          const close = text.indexOf('"', at);
          if (close < 0)
            throw new ValidationError(
              'file',
              `${source}, line ${startLine}: a quoted field is never closed`,
            );
          field += text.slice(at, close);
          for (let i = at; i < close; i++) if (text[i] === '\n') line++;
          at = close + 1;
          if (text[at] !== '"') break;
          field += '"';
          at++;
        }
        const next = text[at];
        if (at < text.length && !isDelimiter(next) && next !== '\n' && next !== '\r')
          throw new ValidationError(
            'file',
            `${source}, line ${line}: unexpected ${JSON.stringify(next)} after a quoted field`,
          );
      } else {
        let end = at;
        while (end < text.length) {
          const c = text[end];
          if (isDelimiter(c) || c === '\n' || c === '\r') break;
          end++;
        }
        field = text.slice(at, end);
        at = end;
      }
      record.push(field);
      if (isDelimiter(text[at])) {
        at++;
        if (whitespace) {
          while (text[at] === ' ' || text[at] === '\t') at++;
          // Blanks that end a line separate nothing.
          if (at >= text.length || text[at] === '\n' || text[at] === '\r') break;
        }
        continue;
      }
      break;
    }
    if (text[at] === '\r') at++;
    if (text[at] === '\n') at++;
    line++;
    const empty = record.length === 1 && record[0] === '';
    if (!empty) yield { record, line: startLine };
  }
}
