// Linearizability checker throughput: `npx tsx bench/checker.ts`.
// A generated history of a correct store (100,000 operations, 100 keys, 10 concurrent clients, 1% info,
// 1% failed writes), parsed and checked; then the same history with one read changed to a value
// never written (not linearizable); then a hot single key. Prints wall and CPU time of each phase.
// Goal: the 100,000-op check under 0.5 s.
import { plural } from '../check/describe-operation.ts';
import { parseHistory } from '../check/history.ts';
import { checkLinearizability, type LinearizabilityResult } from '../check/linearizability.ts';
import { generateRegisterHistory, replaceReadWithUnwritten } from '../check/register-history-generator.ts';

interface Timed<T> {
  readonly value: T;
  readonly wallMs: number;
  readonly cpuMs: number;
}

function timed<T>(run: () => T): Timed<T> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
}

const ms = (t: Timed<unknown>): string => `${t.wallMs.toFixed(0).padStart(5)} ms wall, ${t.cpuMs.toFixed(0).padStart(5)} ms cpu`;

function checkText(label: string, text: string): LinearizabilityResult {
  const parsed = timed(() => parseHistory(text, label));
  const checked = timed(() => checkLinearizability(parsed.value.operations));
  const r = checked.value;
  console.log(`${label}`);
  console.log(`  parse  ${ms(parsed)}  (${parsed.value.eventCount} events)`);
  console.log(`  check  ${ms(checked)}  ${r.verdict}: ${plural(r.keysChecked, 'key')}, ${r.operationsChecked} ops, ${r.steps} steps`);
  for (const v of r.violations.slice(0, 1)) console.log(`  violation on key ${v.key} at op ${v.op}, window of ${v.window.ops.length} ops`);
  return r;
}

const options = { seed: 1, operations: 100_000, clients: 10, keys: 100, infoProbability: 0.01, failProbability: 0.01 };
const generated = timed(() => generateRegisterHistory(options));
console.log(`generated ${options.operations} ops over ${options.keys} keys, ${options.clients} clients in ${generated.wallMs.toFixed(0)} ms`);
const lines = generated.value;

// Warm the JIT on a small history so the figures below are steady-state.
checkLinearizability(parseHistory(generateRegisterHistory({ ...options, operations: 5_000 }).join(''), 'warm-up').operations);

const ok = checkText('linearizable, 100,000 ops / 100 keys / 10 clients', lines.join(''));
const mutated = replaceReadWithUnwritten(lines, 0.5);
const bad = checkText(`not linearizable (the read on line ${mutated.index + 1} returns a value never written)`, mutated.lines.join(''));

const hot = generateRegisterHistory({ seed: 2, operations: 10_000, clients: 10, keys: 1, infoProbability: 0.05, failProbability: 0.01 });
checkText('hot key: 10,000 ops on 1 key, 10 clients, 5% info', hot.join(''));
checkText('hot key, not linearizable', replaceReadWithUnwritten(hot, 0.5).lines.join(''));

if (ok.verdict !== 'linearizable' || bad.verdict !== 'not-linearizable') {
  console.error('unexpected verdict');
  process.exitCode = 1;
}
