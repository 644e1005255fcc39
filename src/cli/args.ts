import { parseArgs, type ParseArgsConfig } from 'node:util';

// Reading a command's arguments, and telling a mistake in them apart from a failure: a mistake
// (unknown option, bad value, missing subcommand) exits 2 and says where the help is.

/** A mistake in how edmock was called. `help`, when given, is printed in full after the message. */
export class UsageError extends Error {
  constructor(readonly command: string, message: string, readonly help?: string) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type CommandConfig = { args: string[]; options: Options; allowPositionals?: boolean };

/**
 * `--port -1` reads to node:util as an option missing its value followed by an option `-1`; no
 * edmock option looks like a number, so a number after an option that takes a value is that
 * value, and the range check says what is wrong with it.
 */
function joinNegativeNumbers(args: string[], options: Options): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** The first option that the command does not have, as the user typed it. */
function unknownOption(args: string[], options: Options): string | undefined {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) if (token.kind === 'option' && !Object.hasOwn(options, token.name)) return token.rawName;
  return undefined;
}

/** node:util's parseArgs, with mistakes reported as UsageErrors of `command`. */
export function parseCommandArgs<T extends CommandConfig>(command: string, config: T): ReturnType<typeof parseArgs<T & { strict: true }>> {
  const args = joinNegativeNumbers(config.args, config.options);
  const unknown = unknownOption(args, config.options);
  if (unknown !== undefined) throw new UsageError(command, `unknown option '${unknown}'`);
  try {
    return parseArgs({ ...config, args, strict: true });
  } catch (error) {
    // Its messages name the option and the problem in their first sentence; the rest is advice
    // about dashes that does not apply to edmock's options.
    const sentence = (error as Error).message.split(/\.\s|\n/)[0] as string;
    throw new UsageError(command, sentence.charAt(0).toLowerCase() + sentence.slice(1));
  }
}

/**
 * A decimal whole number from `min` to `max`; `-1`, `1.5`, `1e3`, `0x10` and an empty value are
 * mistakes, said in the CLI's words before any server option sees them.
 */
export function wholeNumberOption(command: string, flag: string, value: string, range: { min: number; max?: number; what?: string }): number {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (n >= range.min && n <= max) return n;
  const what = range.what ?? (range.min === 1 && max === Number.MAX_SAFE_INTEGER ? 'a positive whole number' : `a whole number from ${range.min} to ${max}`);
  throw new UsageError(command, `--${flag}: '${value}' is not ${what}`);
}
