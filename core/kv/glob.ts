// Redis-style glob patterns for SCAN MATCH, on byte strings: `*` any run, `?` any one char,
// `[abc]` a set, `[^a]` a negated set, `[a-z]` a range (reversed ranges are swapped), `\x` the char x
// literally (inside brackets too). As in Redis, an unterminated `[` ends its set at the pattern's end,
// and a trailing lone `\` matches a backslash. Patterns compile once; every token matches exactly one
// char except `*`, so matching is the classic greedy scan with star backtracking (no recursion).

type Token =
  | { readonly kind: 'star' }
  | { readonly kind: 'any' }
  | { readonly kind: 'char'; readonly code: number }
  /** `ranges` holds inclusive [low, high] pairs, flattened. */
  | { readonly kind: 'set'; readonly negated: boolean; readonly ranges: readonly number[] };

export type GlobPattern = readonly Token[];

const backslash = 0x5c;

export function compileGlob(pattern: string): GlobPattern {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charCodeAt(i);
    if (pattern[i] === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (pattern[i] === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (pattern[i] === '[') {
      i = compileSet(pattern, i + 1, tokens);
    } else if (c === backslash && i + 1 < pattern.length) {
      tokens.push({ kind: 'char', code: pattern.charCodeAt(i + 1) });
      i += 2;
    } else {
      tokens.push({ kind: 'char', code: c });
      i++;
    }
  }
  return tokens;
}

/** Compiles the set starting after its `[`; returns the index after its `]` (or the pattern's end). */
function compileSet(pattern: string, start: number, tokens: Token[]): number {
  let i = start;
  const negated = pattern[i] === '^';
  if (negated) i++;
  const ranges: number[] = [];
  while (i < pattern.length) {
    const c = pattern.charCodeAt(i);
    if (c === backslash && i + 1 < pattern.length) {
      const escaped = pattern.charCodeAt(i + 1);
      ranges.push(escaped, escaped);
      i += 2;
    } else if (pattern[i] === ']') {
      i++;
      break;
    } else if (pattern[i + 1] === '-' && i + 2 < pattern.length) {
      const end = pattern.charCodeAt(i + 2);
      ranges.push(Math.min(c, end), Math.max(c, end));
      i += 3;
    } else {
      ranges.push(c, c);
      i++;
    }
  }
  tokens.push({ kind: 'set', negated, ranges });
  return i;
}

function matchesOne(token: Token, code: number): boolean {
  switch (token.kind) {
    case 'any':
      return true;
    case 'char':
      return token.code === code;
    case 'set': {
      let inSet = false;
      for (let r = 0; r < token.ranges.length && !inSet; r += 2) {
        inSet = code >= token.ranges[r] && code <= token.ranges[r + 1];
      }
      return inSet !== token.negated;
    }
    case 'star':
      return false;
  }
}

export function globMatches(pattern: GlobPattern, text: string): boolean {
  let t = 0;
  let p = 0;
  let starToken = -1;
  let starText = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p].kind === 'star') {
      starToken = p++;
      starText = t;
    } else if (p < pattern.length && matchesOne(pattern[p], text.charCodeAt(t))) {
      p++;
      t++;
    } else if (starToken >= 0) {
      // Let the last star swallow one more char and retry the tokens after it.
      p = starToken + 1;
      t = ++starText;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p].kind === 'star') p++;
  return p === pattern.length;
}
