// Storage benchmark: RaftDurableLog over SimDisk (in-memory page cache, simulated fsync latency), driven
// by a manual scheduler. Prints appends/s and MB/s of wall-clock CPU (what the WAL code costs), the
// throughput in virtual time (what group commit buys at a given fsync latency), fsyncs per append,
// and recovery (replay) speed. Production figures over node:fs come later, with prod/'s FsDisk.
//
//   npx tsx bench/storage.ts
import type { Entry } from '../core/raft/types.ts';
import { RaftDurableLog } from '../core/storage/durable-log.ts';
import { logIndex, nodeId, term } from '../core/types.ts';
import { ManualScheduler } from '../sim/disk/manual-scheduler.ts';
import { SimDisk } from '../sim/disk/sim-disk.ts';
import { createRandom } from '../sim/random.ts';
import { silentTracer } from '../core/env/tracer.ts';

interface Case {
  /** Bytes of entry data. */
  readonly payloadBytes: number;
  /** Appends issued (each followed by a sync call) before the scheduler runs: the group-commit width. */
  readonly concurrency: number;
  readonly appends: number;
}

const fsyncLatencyUs = 1000;
const cases: Case[] = [
  { payloadBytes: 128, concurrency: 1, appends: 5_000 },
  { payloadBytes: 128, concurrency: 16, appends: 20_000 },
  { payloadBytes: 128, concurrency: 256, appends: 40_000 },
  { payloadBytes: 1024, concurrency: 64, appends: 20_000 },
  { payloadBytes: 16 * 1024, concurrency: 16, appends: 3_000 },
];

function run(c: Case): string {
  const scheduler = new ManualScheduler();
  let fsyncs = 0;
  const disk = new SimDisk({ schedule: scheduler.schedule, random: createRandom('bench'), tracer: silentTracer, options: { fsyncLatency: { kind: 'constant', us: fsyncLatencyUs } } });
  const fsync = disk.fsync.bind(disk);
  disk.fsync = (fd, done) => {
    fsyncs++;
    fsync(fd, done);
  };
  const { log } = RaftDurableLog.open(disk, 'raft/1', {});
  scheduler.runAll();
  fsyncs = 0;
  const data = new Uint8Array(c.payloadBytes).fill(7);
  let acked = 0;
  const started = performance.now();
  const virtualStart = scheduler.nowUs;
  for (let index = 1; index <= c.appends; ) {
    for (let k = 0; k < c.concurrency && index <= c.appends; k++, index++) {
      const entry: Entry = { index: logIndex(index), term: term(1), type: 'normal', data };
      log.append([entry], { term: term(1), vote: nodeId(1), commit: logIndex(index - 1) });
      log.sync((e) => {
        if (e === null) acked++;
      });
    }
    scheduler.runAll();
  }
  const wallMs = performance.now() - started;
  const virtualS = (scheduler.nowUs - virtualStart) / 1e6;
  if (acked !== c.appends) throw new Error(`only ${acked} of ${c.appends} appends acknowledged`);

  const replayStarted = performance.now();
  const { state } = RaftDurableLog.open(disk, 'raft/1', {});
  const replayMs = performance.now() - replayStarted;
  if (state.entries.length !== c.appends) throw new Error(`recovered ${state.entries.length} entries`);

  const mb = (c.appends * c.payloadBytes) / 1e6;
  return [
    `${c.payloadBytes}`.padStart(7),
    `${c.concurrency}`.padStart(6),
    `${c.appends}`.padStart(8),
    `${Math.round(c.appends / (wallMs / 1000))}`.padStart(10),
    (mb / (wallMs / 1000)).toFixed(1).padStart(8),
    `${Math.round(c.appends / virtualS)}`.padStart(12),
    (c.appends / fsyncs).toFixed(1).padStart(13),
    (mb / (replayMs / 1000)).toFixed(1).padStart(11),
  ].join(' ');
}

console.log(`RaftDurableLog over SimDisk, fsync latency ${fsyncLatencyUs} us (virtual), one entry per append, each append followed by sync()`);
console.log('payload  width  appends  appends/s     MB/s  virtual ap/s  appends/fsync  replay MB/s');
for (const c of cases) console.log(run(c));
console.log('appends/s and MB/s: wall clock (CPU cost of WAL + SimDisk); virtual ap/s: acknowledged appends per simulated second.');
console.log('Production numbers (node:fs, real fdatasync) come with prod/ FsDisk.');
