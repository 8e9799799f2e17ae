import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseNumber } from '../data/table.js';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a subcommand's arguments; any mistake becomes a {@link UsageError} with its usage line. */
export function parseCommand<T extends Options>(
  args: string[],
  options: T,
  usage: string,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
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
    throw new UsageError((error as Error).message.split('\n')[0], usage);
  }
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

/** The flags that say how an input file is read; shared by the commands that read data. */
export const READ_FLAGS = {
  columns: { type: 'string' },
  'label-column': { type: 'string' },
  delimiter: { type: 'string' },
  'no-header': { type: 'boolean' },
  header: { type: 'boolean' },
  dtype: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

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
) {
  if (input?.startsWith('dataset:')) {
    for (const flag of ['columns', 'label-column', 'delimiter'])
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} applies to files; ${input} has its own columns`, usage);
  }
  const delimiter = values.delimiter as string | undefined;
  // A tab is hard to type: \t and "tab" name it too.
  const given = delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter;
  if (given !== undefined && (given.length !== 1 || /["\r\n]/.test(given)))
    throw new UsageError(
      `--delimiter must be one character other than a quote or a newline (\\t or tab for a tab); got ${JSON.stringify(delimiter)}`,
      usage,
    );
  return {
    columns: values.columns as string | undefined,
    labelColumn: values['label-column'] as string | undefined,
    delimiter: given,
    header: headerFlag(values, usage),
    dtype: choiceFlag(values.dtype, '--dtype', ['float64', 'float32'] as const, usage),
  };
}
