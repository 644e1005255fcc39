// Path globs (journal filters, fault rules): `*` matches any run of characters within a segment,
// `**` any run across segments; everything else is literal. A glob is matched as a
// nondeterministic automaton whose set of live states advances one path character at a time,
// so time is O(glob x path) whatever the input: a regular expression with several `*` backtracks
// exponentially on a long path and holds the event loop while it does. The state set is a bit
// set, 32 glob positions to a word, so a 1 KiB glob costs 32 word operations a character.

/** Longest glob accepted (characters): a bound on the cost of each match. */
export const MAX_GLOB_LENGTH = 1024;

export interface Glob {
  readonly source: string;
  /** Whether the whole path matches. */
  test(path: string): boolean;
}

const STAR = -1;
const GLOBSTAR = -2;
const SLASH = 0x2f;

/**
 * Character codes and wildcards, one token per glob position. A `*` or `**` beside a `**` adds
 * nothing to it (`**` already matches whatever `*` would), so runs of stars become one token and
 * no two wildcards are neighbours: the automaton then needs a single step of epsilon closure.
 */
function tokenize(glob: string): number[] {
  const tokens: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    let token = glob.charCodeAt(i);
    if (token === 0x2a) {
      token = glob.charCodeAt(i + 1) === 0x2a ? GLOBSTAR : STAR;
      if (token === GLOBSTAR) i++;
      const last = tokens[tokens.length - 1];
      if (last === STAR || last === GLOBSTAR) {
        tokens[tokens.length - 1] = GLOBSTAR;
        continue;
      }
    }
    tokens.push(token);
  }
  return tokens;
}

/** Bit masks over glob positions: which position each character advances, and which wildcards stay. */
interface Automaton {
  words: number;
  /** Position of the accepting state (one past the last token). */
  accept: number;
  /** Char code -> positions holding that literal. */
  literals: Map<number, Uint32Array>;
  /** Positions of `*` and `**` (they consume any character but `/`). */
  wildcards: Uint32Array;
  /** Positions of `**` (they consume `/` too). */
  globstars: Uint32Array;
}

function automatonOf(tokens: number[]): Automaton {
  const words = (tokens.length >>> 5) + 1;
  const automaton: Automaton = { words, accept: tokens.length, literals: new Map(), wildcards: new Uint32Array(words), globstars: new Uint32Array(words) };
  tokens.forEach((token, position) => {
    const word = position >>> 5;
    const bit = 1 << (position & 31);
    if (token === STAR || token === GLOBSTAR) {
      automaton.wildcards[word] = (automaton.wildcards[word] as number) | bit;
      if (token === GLOBSTAR) automaton.globstars[word] = (automaton.globstars[word] as number) | bit;
      return;
    }
    let mask = automaton.literals.get(token);
    if (!mask) automaton.literals.set(token, (mask = new Uint32Array(words)));
    mask[word] = (mask[word] as number) | bit;
  });
  return automaton;
}

/** A live wildcard may match nothing: the position after it is live too (wildcards are never neighbours). */
function close(states: Uint32Array, wildcards: Uint32Array): void {
  for (let w = states.length - 1; w >= 0; w--) {
    const carry = w > 0 ? ((states[w - 1] as number) & (wildcards[w - 1] as number)) >>> 31 : 0;
    states[w] = (states[w] as number) | (((states[w] as number) & (wildcards[w] as number)) << 1) | carry;
  }
}

/** One path character: a literal that equals it moves on, a wildcard that may take it stays. Whether any state lives. */
function step(automaton: Automaton, from: Uint32Array, to: Uint32Array, char: number): boolean {
  const literal = automaton.literals.get(char);
  const staying = char === SLASH ? automaton.globstars : automaton.wildcards;
  let live = 0;
  for (let w = from.length - 1; w >= 0; w--) {
    const state = from[w] as number;
    let next = state & (staying[w] as number);
    if (literal) {
      next |= (state & (literal[w] as number)) << 1;
      if (w > 0) next |= ((from[w - 1] as number) & (literal[w - 1] as number)) >>> 31;
    }
    to[w] = next;
    live |= next;
  }
  close(to, automaton.wildcards);
  return live !== 0;
}

function matches(automaton: Automaton, path: string): boolean {
  let states = new Uint32Array(automaton.words);
  let spare = new Uint32Array(automaton.words);
  states[0] = 1;
  close(states, automaton.wildcards);
  for (let i = 0; i < path.length; i++) {
    if (!step(automaton, states, spare, path.charCodeAt(i))) return false;
    [states, spare] = [spare, states];
  }
  const { accept } = automaton;
  return (((states[accept >>> 5] as number) >>> (accept & 31)) & 1) === 1;
}

/** `/beta/**` or `/beta/deviceAppManagement/mobileApps/*\/userStatuses`, ready to test paths. */
export function compileGlob(glob: string): Glob {
  const tokens = tokenize(glob);
  if (!tokens.some((token) => token < 0)) return { source: glob, test: (path) => path === glob };
  const automaton = automatonOf(tokens);
  return { source: glob, test: (path) => matches(automaton, path) };
}
