import { ValidationError } from '../errors.js';
import { type CsvOptions, csvDelimiter, type LoadedData, TableBuilder } from './table.js';

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
  const delimiter = options.delimiter ?? csvDelimiter(source);
  const builder = new TableBuilder(source, options);
  for (const { record, line } of records(text, delimiter, source)) builder.add(record, line);
  return builder.finish();
}

/** Splits text into records, each with the line it starts on; empty lines are skipped. (Internal; exported for tests.) */
export function* records(
  text: string,
  delimiter: string,
  source: string,
): Generator<{ record: string[]; line: number }> {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (at < text.length) {
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
        if (at < text.length && next !== delimiter && next !== '\n' && next !== '\r')
          throw new ValidationError(
            'file',
            `${source}, line ${line}: unexpected ${JSON.stringify(next)} after a quoted field`,
          );
      } else {
        let end = at;
        while (end < text.length) {
          const c = text[end];
          if (c === delimiter || c === '\n' || c === '\r') break;
          end++;
        }
        field = text.slice(at, end);
        at = end;
      }
      record.push(field);
      if (text[at] === delimiter) {
        at++;
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
