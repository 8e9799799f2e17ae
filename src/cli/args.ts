import { type ParseArgsConfig, parseArgs } from 'node:util';
import { WHITESPACE } from '../data/sniff.js';
import { parseNumber } from '../data/table.js';
import { UsageError } from './errors.js';
import type { ReadOptions } from './io.js';

/** One flag: how it parses, and what `--help` says of it. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** One line: what the flag does. */
  help: string;
  /** What the value is, as help names it: N, FILE, A,B. Default VALUE. */
  value?: string;
  /** The default, as help shows it; none shown when absent. */
  default?: string;
  /** The values allowed, as help lists them (checked where the flag is read). */
  choices?: readonly string[];
}

/** A command's flags by name: the one table that both parses them and prints `--help`. */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

/**
 * Parses a subcommand's arguments by its flag table; any mistake becomes a {@link UsageError}
 * with its usage line, and an unknown flag names the nearest known one.
 */
export function parseCommand(
  args: string[],
  flags: FlagTable,
  usage: string,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, flag] of Object.entries(flags))
    options[name] = flag.short ? { type: flag.type, short: flag.short } : { type: flag.type };
  // A value that starts with a dash, such as -3 after -k, is the flag's value, not another flag
  // (no flag is a digit): joined as --name=-3, so the flag's own check says what it accepts.
  const valued = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== 'string') continue;
    valued.set(`--${name}`, name);
    if (option.short) valued.set(`-${option.short}`, name);
  }
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = valued.get(args[i]);
    if (name !== undefined && i + 1 < args.length && /^-[\d.]/.test(args[i + 1])) {
      joined.push(`--${name}=${args[i + 1]}`);
      i++;
    } else {
      joined.push(args[i]);
    }
  }
  try {
    const parsed = parseArgs({ args: joined, options, allowPositionals: true, strict: true });
    return {
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const unknown = /^Unknown option '(-{1,2}[^'=]+)/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
      const nearest = nearestFlag(unknown, Object.keys(flags));
      throw new UsageError(
        `unknown flag ${unknown}${nearest ? `; did you mean --${nearest}?` : ''}`,
        usage,
      );
    }
    throw new UsageError(message.split('\n')[0], usage);
  }
}

/** The flag closest to a mistyped one (edit distance at most a third of its length, and 3), if any. */
export function nearestFlag(typed: string, names: readonly string[]): string | undefined {
  const bare = typed.replace(/^-+/, '');
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.max(1, Math.floor(bare.length / 3)));
  for (const name of names) {
    const distance = editDistance(bare, name);
    if (distance <= bestDistance && (best === undefined || distance < bestDistance)) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein's distance: the fewest insertions, deletions and substitutions from a to b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length];
}

/**
 * A command's help: its usage, a line on what it does, then every flag of its table with its
 * value, description, allowed values and default.
 */
export function commandHelp(usage: string, about: string, flags: FlagTable): string {
  const entries = Object.entries(flags).map(([name, flag]) => {
    const value = flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : '';
    const left = `${flag.short ? `-${flag.short}, ` : '    '}--${name}${value}`;
    const extra = [
      flag.choices ? `one of: ${flag.choices.join(', ')}` : '',
      flag.default !== undefined ? `default: ${flag.default}` : '',
    ]
      .filter((text) => text !== '')
      .join('; ');
    return { left, right: extra ? `${flag.help} (${extra})` : flag.help };
  });
  const width = Math.min(30, Math.max(...entries.map((e) => e.left.length)) + 2);
  const lines = entries.map(({ left, right }) =>
    left.length + 2 > width
      ? `  ${left}\n  ${' '.repeat(width)}${right}`
      : `  ${left.padEnd(width)}${right}`,
  );
  return `${usage}\n\n${about}\n\nflags:\n${lines.join('\n')}\n`;
}

/** A flag's value as an integer within bounds, or a usage error naming the flag. */
export function integerFlag(
  value: string | boolean | undefined,
  flag: string,
  usage: string,
  min = 1,
): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' ? (parseNumber(value) ?? Number.NaN) : Number.NaN;
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(
      `${flag} must be an integer >= ${min}; got ${JSON.stringify(value)}`,
      usage,
    );
  }
  return n;
}

/** A flag's value as a finite number >= 0, or a usage error naming the flag. */
export function numberFlag(
  value: string | boolean | undefined,
  flag: string,
  usage: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' ? (parseNumber(value) ?? Number.NaN) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) {
    throw new UsageError(`${flag} must be a number >= 0; got ${JSON.stringify(value)}`, usage);
  }
  return n;
}

/** A flag's value when it must be one of a few words. */
export function choiceFlag<T extends string>(
  value: string | boolean | undefined,
  flag: string,
  choices: readonly T[],
  usage: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw new UsageError(
      `${flag} must be one of ${choices.join(', ')}; got ${JSON.stringify(value)}`,
      usage,
    );
  }
  return value as T;
}

/** Exactly one positional argument (the input), or a usage error. */
export function singleInput(positionals: string[], usage: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'missing the input: a file or dataset:NAME'
        : `expected one input; got ${positionals.length}: ${positionals.join(' ')}`,
      usage,
    );
  }
  return positionals[0];
}

/** --header (true), --no-header (false), or neither (undefined: detected); both is a usage error. */
export function headerFlag(
  values: Record<string, string | boolean | undefined>,
  usage: string,
): boolean | undefined {
  if (values.header && values['no-header'])
    throw new UsageError('--header and --no-header contradict each other; give one', usage);
  return values['no-header'] ? false : values.header ? true : undefined;
}

/**
 * Read options from the shared flags. `input` is the command's input: the flags that pick a
 * file's columns and delimiter are refused for a `dataset:` input rather than ignored.
 */
export function readOptionsFrom(
  values: Record<string, string | boolean | undefined>,
  usage: string,
  input?: string,
): ReadOptions {
  if (input?.startsWith('dataset:')) {
    for (const flag of ['columns', 'label-column', 'delimiter', 'skip-rows', 'comment'])
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} applies to files; ${input} has its own columns`, usage);
  }
  const delimiter = values.delimiter as string | undefined;
  // A tab is hard to type: \t and "tab" name it too; "whitespace" names runs of blanks (a space).
  const given =
    delimiter === '\\t' || delimiter === 'tab'
      ? '\t'
      : delimiter === 'whitespace'
        ? WHITESPACE
        : delimiter;
  if (given !== undefined && (given.length !== 1 || /["\r\n]/.test(given)))
    throw new UsageError(
      `--delimiter must be one character other than a quote or a newline (\\t or tab for a tab, whitespace or ' ' for runs of blanks); got ${JSON.stringify(delimiter)}`,
      usage,
    );
  const comment = values.comment as string | undefined;
  if (comment !== undefined && (comment === '' || /[\r\n]/.test(comment)))
    throw new UsageError(
      `--comment must be the text that starts a comment line, such as '#'; got ${JSON.stringify(comment)}`,
      usage,
    );
  return {
    columns: (values.columns as string | undefined)?.split(',').map((c) => c.trim()),
    labelColumn: values['label-column'] as string | undefined,
    delimiter: given,
    skipRows: integerFlag(values['skip-rows'], '--skip-rows', usage, 0),
    comment,
    header: headerFlag(values, usage),
    dtype: choiceFlag(values.dtype, '--dtype', ['float64', 'float32'] as const, usage),
  };
}
