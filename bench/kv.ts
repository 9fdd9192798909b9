// KV state machine figures: codec, apply (one entry per write vs runs of 64), reads, scan, snapshot.
// Run: npx tsx bench/kv.ts   (a few seconds; prints figures, asserts nothing)
import { decodeCommand, encodeCommand } from '../core/kv/command-codec.ts';
import type { KvCommand } from '../core/kv/commands.ts';
import { MemoryEngine } from '../core/kv/memory-engine.ts';
import { KvStateMachine, type CommittedEntry } from '../core/kv/state-machine.ts';

const keyCount = 100_000;
const runLength = 64;

function measure(label: string, operations: number, fn: () => void): void {
  const start = performance.now();
  fn();
  const ms = performance.now() - start;
  console.log(`${label.padEnd(44)} ${String(Math.round((operations / ms) * 1000)).padStart(10)} ops/s  (${ms.toFixed(0)} ms)`);
}

function commands(count: number): KvCommand[] {
  return Array.from({ length: count }, (_, i) => ({
    session: { clientId: `client-${i % 100}`, seq: 1 + Math.floor(i / 100) },
    atMs: 1_700_000_000_000 + i,
    write: i % 4 === 3 ? { op: 'incrBy', key: `counter:${i % 1000}`, delta: 1n } : { op: 'set', key: `key:${(i * 7919) % keyCount}`, value: 'v'.repeat(32) },
  }));
}

const list = commands(keyCount);
let encoded: Uint8Array[] = [];
measure('encodeCommand', list.length, () => (encoded = list.map(encodeCommand)));
measure('decodeCommand', list.length, () => encoded.forEach(decodeCommand));
const bytes = encoded.reduce((n, e) => n + e.length, 0);
console.log(`${'mean encoded command (SET 32 B value / INCRBY)'.padEnd(44)} ${(bytes / encoded.length).toFixed(1).padStart(10)} bytes`);

const entries: CommittedEntry[] = encoded.map((data, i) => ({ index: i + 1, data }));
const single = new KvStateMachine({ engine: new MemoryEngine() });
measure('apply, one engine batch per entry', entries.length, () => entries.forEach((e) => single.apply(e.index, e.data)));
const batched = new KvStateMachine({ engine: new MemoryEngine() });
measure(`applyEntries, runs of ${runLength}`, entries.length, () => {
  for (let i = 0; i < entries.length; i += runLength) batched.applyEntries(entries.slice(i, i + runLength));
});

const reads = 200_000;
measure('query GET', reads, () => {
  for (let i = 0; i < reads; i++) batched.query({ op: 'get', key: `key:${i % keyCount}` }, 1_700_000_000_000);
});
measure('SCAN COUNT 100 (keys examined)', keyCount, () => {
  let cursor = '0';
  do {
    const r = batched.query({ op: 'scan', cursor, count: 100, match: 'key:1*' }, 1_700_000_000_000);
    cursor = r.kind === 'scan' ? r.cursor : '0';
  } while (cursor !== '0');
});
let snapshot: Uint8Array = new Uint8Array(0);
measure('snapshot (keys exported)', batched.query({ op: 'dbsize' }, 0).kind === 'int' ? keyCount : 0, () => (snapshot = batched.snapshot()));
console.log(`${'snapshot size'.padEnd(44)} ${(snapshot.length / 1024 / 1024).toFixed(2).padStart(10)} MiB`);
measure('restore (keys imported)', keyCount, () => new KvStateMachine({ engine: new MemoryEngine() }).restore(snapshot));
