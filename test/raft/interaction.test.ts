// Runs every datadriven interaction file in test/raft/testdata (rewrite with REWRITE=1).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFile } from './datadriven.ts';
import { Interaction } from './interaction.ts';

const dir = join(import.meta.dirname, 'testdata');

describe('raft interactions', () => {
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    it(name, () => {
      const interaction = new Interaction();
      for (const { case: c, actual } of runFile(join(dir, name), (cmd) => interaction.run(cmd))) {
        expect(actual, `${name}:${c.line}: ${c.command}`).toBe(c.expected);
      }
    });
  }
});
