// SCAN MATCH patterns at their edges: runs of stars compile to one, a negated set excludes only what it
// lists (not the `^`), and an unterminated set that ends in a lone backslash or a dangling `a-` takes
// those chars literally, as Redis does. Found untested by mutation testing (test/kv/scan.test.ts holds
// the main cases).
import { describe, expect, it } from 'vitest';
import { compileGlob, globMatches } from '../../core/kv/glob.ts';

const matches = (pattern: string, text: string): boolean => globMatches(compileGlob(pattern), text);

describe('glob edges', () => {
  it('a run of stars compiles to a single star', () => {
    expect(compileGlob('a***b').map((t) => t.kind)).toEqual(['char', 'star', 'char']);
    expect(compileGlob('*?*').map((t) => t.kind)).toEqual(['star', 'any', 'star']);
  });

  it('a negated set excludes what it lists, and not the caret', () => {
    expect(matches('[^a]', '^')).toBe(true);
    expect(matches('[^a]', 'a')).toBe(false);
    expect(matches('[^a]', 'b')).toBe(true);
  });

  it('an unterminated set ending in a lone backslash holds the backslash', () => {
    expect(compileGlob('[a\\')).toEqual([{ kind: 'set', negated: false, ranges: [0x61, 0x61, 0x5c, 0x5c] }]);
    expect(matches('[a\\', '\\')).toBe(true);
    expect(matches('[a\\', 'b')).toBe(false);
  });

  it('an unterminated set ending in "a-" holds a and the dash, not a range', () => {
    expect(compileGlob('[a-')).toEqual([{ kind: 'set', negated: false, ranges: [0x61, 0x61, 0x2d, 0x2d] }]);
    expect(matches('[a-', '-')).toBe(true);
    expect(matches('[a-', 'b')).toBe(false);
    expect(compileGlob('[a-c')).toEqual([{ kind: 'set', negated: false, ranges: [0x61, 0x63] }]);
  });
});
