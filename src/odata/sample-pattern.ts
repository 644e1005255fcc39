import randexpModule from 'randexp';

// The package is CommonJS: its module object is the class itself, which its types describe as `default`.
type RandExpClass = typeof import('randexp').default;
type RandExp = InstanceType<RandExpClass>;
const RandExp = randexpModule as unknown as RandExpClass;

// Strings matching a Validation.Pattern. randexp walks the expression's syntax tree and draws
// each choice from the random source it is given, so a seed gives the same string; writing a
// regular-expression generator by hand would mean a parser for classes, groups and escapes.
// It ignores lookarounds, word boundaries and back-references, so a pattern with those is checked
// against its output; a pattern that cannot be compiled, asks for very long repetitions or keeps
// producing misses gets no value here (the caller falls back to plain text).

/** Repetitions longer than this (`a{100000}`) would make huge values: not drawn. */
const MAX_FIXED_REPETITION = 256;
/** Open-ended repetitions (`*`, `+`, `{2,}`) draw at most this many more than their minimum. */
const OPEN_REPETITION = 8;
const ATTEMPTS = 8;
/** Only these need a check of the output; other patterns are matched by construction. */
const UNSUPPORTED_SYNTAX = /\(\?[=!<]|\\[bB]|\\[1-9]/;

const generators = new Map<string, { generator: RandExp; check: RegExp | undefined } | null>();

function generatorFor(pattern: string): { generator: RandExp; check: RegExp | undefined } | null {
  let entry = generators.get(pattern);
  if (entry !== undefined) return entry;
  entry = null;
  const repetitions = [...pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)].flatMap((m) => [Number(m[1]), Number(m[2] || 0)]);
  if (repetitions.every((n) => n <= MAX_FIXED_REPETITION)) {
    try {
      const regex = new RegExp(pattern, 'u');
      const generator = new RandExp(regex);
      generator.max = OPEN_REPETITION;
      entry = { generator, check: UNSUPPORTED_SYNTAX.test(pattern) ? regex : undefined };
    } catch {
      entry = null; // not an ECMAScript expression, or one randexp cannot read
    }
  }
  generators.set(pattern, entry);
  return entry;
}

/** A string matching `pattern` (and no longer than `maxLength`), or undefined when none is found in a few draws. */
export function samplePattern(pattern: string, random: () => number, maxLength?: number): string | undefined {
  const entry = generatorFor(pattern);
  if (!entry) return undefined;
  entry.generator.randInt = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const text = entry.generator.gen();
    if (maxLength !== undefined && text.length > maxLength) continue;
    if (entry.check && !entry.check.test(text)) continue;
    return text;
  }
  return undefined;
}
