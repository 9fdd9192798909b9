// The KvlabError a call throws, for tests of error messages.
import { expect } from 'vitest';
import { KvlabError } from '../../core/types.ts';

/** The KvlabError `fn` throws (the test fails if it returns or throws anything else). */
export function thrown(fn: () => unknown): KvlabError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KvlabError);
    return error as KvlabError;
  }
  throw new Error('expected a KvlabError');
}
