// Every kvlab command, called wrongly (missing or unwritable paths, files where folders are expected,
// bad numbers, unknown flags, missing values): exit 2 and exactly one line on stderr that names the
// offending argument — never a stack trace. And `--help` on every command prints its usage, exit 0.
// In-process through main() (fast); `kvlab node` and a few others also through the real executable.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';

const root = mkdtempSync(join(tmpdir(), 'kvlab-bad-invocations-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const KVLAB = fileURLToPath(new URL('../../cli/kvlab.mjs', import.meta.url));

const afile = join(root, 'afile');
const adir = join(root, 'adir');
const missing = join(root, 'missing.json');
/** A valid scenario (read only). */
const tiny = fileURLToPath(new URL('../../scenarios/default.json', import.meta.url));
const history = join(root, 'history.jsonl');
const clusterDir = join(root, 'cluster');
writeFileSync(afile, 'not json\n');
mkdirSync(adir);
mkdirSync(clusterDir);
writeFileSync(history, '{"index":0,"process":1,"type":"invoke","f":"get","key":"k","time":1}\n{"index":1,"process":1,"type":"ok","f":"get","key":"k","value":null,"time":2}\n');
/** Unwritable even for root: mkdir in /sys fails (EPERM; EACCES for others). */
const unwritable = '/sys/kvlab-bad-invocation';

/** [arguments, the text stderr must name] */
const cases: Array<[string[], string]> = [
  [['frobnicate'], 'frobnicate'],
  // run
  [['run', '--out', afile], afile],
  [['run', '--out', join(afile, 'sub')], afile],
  [['run', '--out', unwritable], unwritable],
  [['run', missing], missing],
  [['run', adir], adir],
  [['run', afile], afile],
  [['run', '--seed', 'x'], '--seed'],
  [['run', '--seed'], '--seed'],
  [['run', '--bogus'], '--bogus'],
  [['run', '--bug', 'noSuchBug'], 'noSuchBug'],
  [['run', '--stop-on-violation=yes'], '--stop-on-violation'],
  [['run', tiny, tiny], tiny],
  // sweep
  [['sweep'], 'scenario file'],
  [['sweep', tiny], '--seeds'],
  [['sweep', tiny, '--seeds', 'lots'], '--seeds'],
  [['sweep', tiny, '--seeds'], '--seeds'],
  [['sweep', tiny, '--seeds', '1..2', '--workers', 'many'], '--workers'],
  [['sweep', tiny, '--seeds', '1..2', '--workers', '0'], '--workers'],
  [['sweep', adir, '--seeds', '1..2'], adir],
  [['sweep', missing, '--seeds', '1..2'], missing],
  [['sweep', tiny, '--seeds', '1..2', '--nope'], '--nope'],
  // shrink
  [['shrink', tiny, '--seed', '1', '--out', adir], adir],
  [['shrink', tiny, '--seed', '1', '--out', join(afile, 'x.json')], afile],
  [['shrink', tiny, '--seed', '1', '--out', join(unwritable, 'x.json')], unwritable],
  [['shrink', tiny, '--seed', 'y'], '--seed'],
  [['shrink', tiny, '--seed', '1', '--runs-max', '0'], '--runs-max'],
  [['shrink', tiny, '--seed', '1', '--check', 'vibes'], 'vibes'],
  [['shrink', missing, '--seed', '1'], missing],
  [['shrink', tiny, '--seed', '1', '--nope'], '--nope'],
  // check
  [['check'], 'history'],
  [['check', missing], missing],
  [['check', adir], adir],
  [['check', history, '--steps-max', 'x'], '--steps-max'],
  [['check', history, '--steps-max'], '--steps-max'],
  [['check', history, '--initial', 'zero'], '--initial'],
  [['check', history, '--nope'], '--nope'],
  // bugs
  [['bugs', '--nope'], '--nope'],
  [['bugs', 'extra'], 'extra'],
  [['bugs', '--json=yes'], '--json'],
  // viz
  [['viz', '--demo', '--export', join(root, 'no-such-dir', 'x.html')], join(root, 'no-such-dir')],
  [['viz', '--demo', '--export', adir], adir],
  [['viz', '--demo', '--export', join(afile, 'x.html')], afile],
  [['viz', missing], missing],
  [['viz', adir], adir],
  [['viz', afile], afile],
  [['viz', '--port', 'x'], '--port'],
  [['viz', '--port', '70000'], '--port'],
  [['viz', '--port'], '--port'],
  [['viz', '--nope'], '--nope'],
  // cluster
  [['cluster'], 'action'],
  [['cluster', 'start'], 'start'],
  [['cluster', 'init', '--dir', clusterDir], '--nodes'],
  [['cluster', 'init', '--nodes', 'three', '--dir', clusterDir], '--nodes'],
  [['cluster', 'init', '--nodes', '3', '--dir', clusterDir, '--base-port', '70000'], '--base-port'],
  [['cluster', 'init', '--nodes', '3', '--dir', afile], afile],
  [['cluster', 'init', '--nodes', '3', '--dir', join(afile, 'c')], afile],
  [['cluster', 'init', '--nodes', '3', '--dir', unwritable], unwritable],
  [['cluster', 'init', '--nodes', '3', '--dir', clusterDir, '--wat'], '--wat'],
  [['cluster', 'init', '--nodes'], '--nodes'],
  [['cluster', 'up'], '--dir'],
  [['cluster', 'up', '--dir', missing], missing],
  [['cluster', 'up', '--dir', afile], afile],
  [['cluster', 'up', '--dir', clusterDir, '--timeout-ms', 'soon'], '--timeout-ms'],
  [['cluster', 'down', '--dir', adir], adir],
  [['cluster', 'down', '--dir'], '--dir'],
  [['cluster', 'status', '--dir', clusterDir, '--force'], '--force'],
];

async function inProcess(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

function expectOneLineNaming(result: { code: number; err: string }, named: string): void {
  expect(result.code).toBe(2);
  const lines = result.err.split('\n');
  expect(lines.at(-1), 'stderr ends with a newline').toBe('');
  expect(lines.slice(0, -1), result.err).toHaveLength(1);
  expect(lines[0]).toContain(named);
  expect(lines[0]).toMatch(/^kvlab( [a-z]+)*: /);
  expect(result.err).not.toMatch(/\n\s+at |node:internal|Error: [A-Z]+:/);
}

describe('kvlab, called wrongly: exit 2, one line naming the argument, no stack trace', () => {
  for (const [argv, named] of cases) {
    it(argv.map((a) => a.replace(root, '…').replace(tiny, 'default.json')).join(' '), async () => {
      expectOneLineNaming(await inProcess(argv), named);
    });
  }
});

describe('kvlab CMD --help: the usage, exit 0', () => {
  const commands = ['run', 'sweep', 'shrink', 'check', 'bugs', 'viz', 'node', 'cluster'];
  for (const command of commands) {
    it(command, async () => {
      for (const flag of ['--help', '-h']) {
        const { code, out, err } = await inProcess([command, flag]);
        expect(code).toBe(0);
        expect(out).toMatch(new RegExp(`^usage: kvlab ${command}`));
        expect(err).toBe('');
      }
    });
  }

  it('also after other arguments, and for cluster actions', async () => {
    for (const argv of [['run', 'scenarios/default.json', '--help'], ['cluster', 'up', '--help'], ['sweep', '--seeds', '1..2', '-h']]) {
      const { code, out } = await inProcess(argv);
      expect(code, argv.join(' ')).toBe(0);
      expect(out).toMatch(/^usage: kvlab /);
    }
  });
});

describe('through the kvlab executable', () => {
  const spawned = (argv: string[]) => {
    const child = spawnSync(process.execPath, [KVLAB, ...argv], { encoding: 'utf8', cwd: root, timeout: 60_000 });
    return { code: child.status ?? -1, out: child.stdout, err: child.stderr };
  };
  const executableCases: Array<[string[], string]> = [
    [['node'], '--config'],
    [['node', '--config'], '--config'],
    [['node', '--config', missing], missing],
    [['node', '--config', adir], adir],
    [['node', '--nope'], '--nope'],
    [['viz', '--demo', '--export', join(root, 'no-such-dir', 'x.html')], join(root, 'no-such-dir')],
    [['run', '--out', afile], afile],
  ];
  for (const [argv, named] of executableCases) {
    it(argv.map((a) => a.replace(root, '…').replace(tiny, 'default.json')).join(' '), () => {
      expectOneLineNaming(spawned(argv), named);
    });
  }

  it('run --help prints the usage and exits 0', () => {
    const { code, out, err } = spawned(['run', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: kvlab run \[SCENARIO\.json\]/);
    expect(err).toBe('');
  });
});
