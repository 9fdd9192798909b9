// `kvlab check`: verdicts, exit codes, the readable and --json reports, and invalid input.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../cli/check.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK, EXIT_UNKNOWN } from '../../cli/exit-codes.ts';
import { history } from './history-dsl.ts';

const root = join(import.meta.dirname, '..', '..');
const histories = join(import.meta.dirname, 'histories');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await checkCommand(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-check-'));
  tempDirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('kvlab check', () => {
  it('exit 0 and a one-line verdict for a linearizable history', async () => {
    const file = join(histories, 'concurrent-orders.jsonl');
    const { code, out, err } = await run([file]);
    expect(code).toBe(EXIT_OK);
    expect(err).toBe('');
    expect(out).toBe(`${file}: linearizable (1 key, 6 operations checked, ${/(\d+) search steps/.exec(out)?.[1]} search steps)\n`);
  });

  it('exit 1 with the failing key, the explanation and the window of ops', async () => {
    const { code, out } = await run([join(histories, 'lost-write.jsonl')]);
    expect(code).toBe(EXIT_FAILED);
    expect(out).toContain('NOT linearizable — 1 of 2 keys fails');
    expect(out).toContain('key "x": get of key "x" by process 2 (op 8) returned "a"');
    expect(out).toMatch(/op 4 {2}process 3 {2}put "c" {2}ok {2}t=50\.\.60\n/);
    expect(out).toMatch(/op 8 {2}process 2 {2}get -> "a" {2}ok {2}t=90\.\.100 {3}\(<- no linearization gets past this\)/);
  });

  it('names the pair of a session whose order is broken, in the text and in --json', async () => {
    const path = tempFile('session.jsonl', history('p1 put k v @7\np2 get k @7\np2 ok nil\np1 ok').text);
    try {
      const text = await run([path]);
      expect(text.code).toBe(EXIT_FAILED);
      expect(text.out).toContain('Session order broken: on session 7, op 0 was invoked before op 1');
      expect(text.out).toMatch(/op 1 {2}process 2 {2}session 7 {2}get -> absent {2}ok/);
      const json = await run([path, '--json']);
      expect(JSON.parse(json.out).violations[0].sessionOrder).toEqual({ session: 7, before: 0, after: 1 });
    } finally {
      rmSync(dirname(path), { recursive: true, force: true });
    }
  });

  it('marks ops of the window that may or may not have taken effect', async () => {
    const { out } = await run([join(histories, 'info-write-seen-then-gone.jsonl')]);
    expect(out).toMatch(/op 2 {2}process 2 {2}put "b" {2}info {2}t=30\.\.\? {3}\(outcome unknown: may or may not have taken effect\)/);
  });

  it('--json prints the whole result as one JSON object', async () => {
    const file = join(histories, 'cas-twice.jsonl');
    const { code, out } = await run([file, '--json']);
    expect(code).toBe(EXIT_FAILED);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ file, verdict: 'not-linearizable', keysChecked: 1, unknownKeys: [] });
    expect(result.violations[0]).toMatchObject({ key: 'counter', op: 3, possibleValues: ['1'], window: { ops: [2, 3], optionalOps: [], fromAnyValue: true } });
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('exit 3 when the budget runs out, naming the keys and the flags to raise', async () => {
    const rows: string[] = [];
    for (let p = 1; p <= 8; p++) rows.push(`p${p} put x v${p}`);
    for (let p = 1; p <= 8; p++) rows.push(`p${p} ok`);
    rows.push('p9 get x', 'p9 ok nope');
    const file = tempFile('hard.jsonl', history(rows.join('\n')).text);
    const { code, out } = await run([file, '--steps-max', '20']);
    expect(code).toBe(EXIT_UNKNOWN);
    expect(out).toContain('unknown — the search budget (--steps-max 20');
    expect(out).toContain('ran out on 1 key: "x"');
    expect((await run([file])).code).toBe(EXIT_FAILED);
  });

  it("--initial unknown accepts keys that already held a value", async () => {
    const file = tempFile('preloaded.jsonl', history('p1 get x\np1 ok old\np1 put x new\np1 ok').text);
    expect((await run([file])).code).toBe(EXIT_FAILED);
    expect((await run([file, '--initial', 'unknown'])).code).toBe(EXIT_OK);
  });

  it('reads DIR/history.jsonl when given a run directory', async () => {
    const file = tempFile('history.jsonl', readFileSync(join(histories, 'stale-read.jsonl'), 'utf8'));
    const { code, out } = await run([join(file, '..')]);
    expect(code).toBe(EXIT_FAILED);
    expect(out).toContain('NOT linearizable');
  });

  it('exit 2 for a history that breaks the format, naming file, line and field', async () => {
    const text = `${history('p1 put x a\np1 ok').text}{"index":2,"process":1,"type":"invoke","f":"get","key":"x","value":null,"time":5}\n`;
    const file = tempFile('backwards.jsonl', text);
    const { code, out, err } = await run([file]);
    expect(code).toBe(EXIT_INVALID);
    expect(out).toBe('');
    expect(err).toContain(`${file}:3: field "time": found 5; allowed: an integer >= 20`);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/^usage: kvlab check HISTORY\.jsonl/);
  });

  it('exit 2 for bad arguments', async () => {
    const file = join(histories, 'stale-read.jsonl');
    const cases: Array<[string[], RegExp]> = [
      [[], /missing the history file/],
      [[file, '--steps-max'], /--steps-max: found nothing; allowed: an integer >= 0/],
      [[file, '--steps-max', '-3'], /--steps-max: found '-3'/],
      [[file, '--initial', 'zero'], /--initial: found 'zero'; allowed: absent \| unknown/],
      [[file, '--verbose'], /unknown option '--verbose'/],
      [[file, file], /found a second one/],
      [[join(histories, 'missing.jsonl')], /missing\.jsonl: cannot read the history \(ENOENT\)/],
    ];
    for (const [args, message] of cases) {
      const { code, err } = await run(args);
      expect(code, args.join(' ')).toBe(EXIT_INVALID);
      expect(err, args.join(' ')).toMatch(message);
      expect(err.trim().split('\n'), 'one line').toHaveLength(1);
    }
  });
});

describe('node cli/kvlab.mjs check', () => {
  it('gives the same verdicts and exit codes as a process', async () => {
    const exec = promisify(execFile);
    const kvlab = join(root, 'cli', 'kvlab.mjs');
    const ok = await exec(process.execPath, [kvlab, 'check', join(histories, 'deletes-and-null-reads.jsonl')]);
    expect(ok.stdout).toContain('linearizable');
    const failed = await exec(process.execPath, [kvlab, 'check', join(histories, 'stale-read.jsonl'), '--json']).catch((e) => e);
    expect(failed.code).toBe(EXIT_FAILED);
    expect(JSON.parse(failed.stdout).verdict).toBe('not-linearizable');
  });
});
