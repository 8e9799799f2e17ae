import { csvDelimiter, parseNumber } from './table.js';

/**
 * The delimiter that stands for runs of spaces and tabs (numpy's `loadtxt` default, pandas'
 * `sep=r'\s+'`): leading and trailing blanks are ignored and a run of them separates two fields.
 */
export const WHITESPACE = ' ';

/** The delimiters sniffed, in the order that breaks a tie. */
export const SNIFFED_DELIMITERS = [',', '\t', ';', '|', WHITESPACE] as const;

/** How delimited text is laid out: what separates fields and how many lines come before the table. */
export interface TextLayout {
  delimiter: string;
  /** Lines before the table (its header or first row), skipped unread. */
  skipRows: number;
  /** Whether `delimiter` was sniffed from the text rather than given or implied by the file name. */
  sniffed: boolean;
}

/** What {@link sniffLayout} is told: the caller's choices, each left to sniff when undefined. */
export interface SniffOptions {
  delimiter?: string;
  skipRows?: number;
  comment?: string;
  /** Whether the first line (after skipRows) names the columns; undefined or 'auto': detected. */
  header?: boolean | 'auto';
}

/** Lines of the head that sniffing reads. */
const SAMPLE_LINES = 50;

/** The most lines before the table taken for metadata (a title, a "rows,cols" line). */
const MAX_METADATA_LINES = 5;

/**
 * The layout of delimited text, from its first lines (`head`, possibly cut mid-line), as pandas'
 * `sep=None` does: the delimiter that splits the most lines into the same number (two or more)
 * of fields, ties going to the earlier of comma, tab, semicolon, pipe and runs of whitespace;
 * when none does, the one the file name implies. Unless `skipRows` is given, leading lines are taken for metadata and skipped
 * when (a) their field count differs from the table's that follows them, (b) the first holds
 * numbers, the line after it is all names and the lines after that hold numbers (a "506,13,,,"
 * line above a header), or (c) the first mixes numbers and text where every line below holds a
 * number ("150,4,setosa,versicolor,virginica" above numeric rows). Lines starting with `comment`
 * and blank lines are ignored throughout.
 */
export function sniffLayout(head: string, source: string, options: SniffOptions = {}): TextLayout {
  const given = options.skipRows ?? 0;
  const lines = sampleLines(head, given, options.comment);
  const candidates = options.delimiter === undefined ? SNIFFED_DELIMITERS : [options.delimiter];
  let best: { delimiter: string; width: number; agreeing: number } | undefined;
  for (const delimiter of candidates) {
    const widths = lines.map((line) => splitLine(line.text, delimiter).length);
    const width = modeOf(widths);
    const agreeing = widths.filter((w) => w === width).length;
    if (width < 2 || (best && agreeing <= best.agreeing)) continue;
    best = { delimiter, width, agreeing };
  }
  const delimiter = options.delimiter ?? best?.delimiter ?? csvDelimiter(source);
  const sniffed = options.delimiter === undefined && best !== undefined;
  if (options.skipRows !== undefined || best === undefined)
    return { delimiter, skipRows: given, sniffed };
  const fields = lines.map((line) => splitLine(line.text, delimiter));
  let first = fields.findIndex((f) => f.length === best.width);
  // (a) lines of another width before the table.
  if (first > MAX_METADATA_LINES || first < 0) first = 0;
  // (b) a line with numbers above a header and numeric rows ("506,13,,," above the names); (c) a
  // line with numbers and text where every row below holds numbers ("150,4,setosa,...").
  const isNumber = (v: string | undefined) => v !== undefined && parseNumber(v) !== undefined;
  const below = fields.slice(first + 1);
  const metadata =
    options.header !== false &&
    fields[first].some((v) => isNumber(v)) &&
    ((below.length >= 2 &&
      below[0].length === best.width &&
      below[0].every((v) => !isNumber(v)) &&
      below[1].some((v) => isNumber(v))) ||
      (below.length >= 1 &&
        fields[first].some(
          (v, j) => v.trim() !== '' && !isNumber(v) && below.every((row) => isNumber(row[j])),
        )));
  if (metadata) first++;
  return { delimiter, skipRows: first === 0 ? given : lines[first].index, sniffed };
}

/** The head's first lines, each with its 0-based index; blank and comment lines left out. */
function sampleLines(
  head: string,
  skipRows: number,
  comment: string | undefined,
): { text: string; index: number }[] {
  const all = head.replace(/^\uFEFF/, '').split('\n');
  // The last line may be cut short, unless it is the only one.
  if (all.length > 1) all.pop();
  const lines: { text: string; index: number }[] = [];
  for (let index = skipRows; index < all.length && lines.length < SAMPLE_LINES; index++) {
    const text = all[index].replace(/\r$/, '');
    const trimmed = text.trim();
    if (trimmed === '' || (comment !== undefined && trimmed.startsWith(comment))) continue;
    lines.push({ text, index });
  }
  return lines;
}

/**
 * One line's fields for sniffing: split on `delimiter` outside double quotes, quotes removed
 * ({@link WHITESPACE}: on runs of blanks, ignoring those at either end).
 */
export function splitLine(line: string, delimiter: string): string[] {
  const whitespace = delimiter === WHITESPACE;
  const text = whitespace ? line.trim() : line;
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (whitespace ? c === ' ' || c === '\t' : c === delimiter)) {
      fields.push(field);
      field = '';
      if (whitespace) while (text[i + 1] === ' ' || text[i + 1] === '\t') i++;
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** The most common value (the largest among equals); 0 for none. */
function modeOf(values: number[]): number {
  const counts = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (const v of values) {
    const count = (counts.get(v) ?? 0) + 1;
    counts.set(v, count);
    if (count > bestCount || (count === bestCount && v > best)) {
      best = v;
      bestCount = count;
    }
  }
  return best;
}

/** A delimiter's name: comma, tab, semicolon, pipe, whitespace, or the character quoted. */
export function delimiterName(delimiter: string): string {
  const names: Record<string, string> = {
    ',': 'comma',
    '\t': 'tab',
    ';': 'semicolon',
    '|': 'pipe',
    [WHITESPACE]: 'whitespace',
  };
  return names[delimiter] ?? JSON.stringify(delimiter);
}

/** How a layout reads, for a note: "comma-separated (sniffed), 1 line skipped before the table". */
export function describeLayout(layout: TextLayout): string {
  const how = layout.sniffed ? 'sniffed' : 'given or implied by the file name';
  const skipped =
    layout.skipRows === 0
      ? ''
      : `, ${layout.skipRows} line${layout.skipRows === 1 ? '' : 's'} skipped before the table`;
  return `${delimiterName(layout.delimiter)}-separated (${how})${skipped}`;
}
