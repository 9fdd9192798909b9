// Preloaded into a kvlab node by bench/prod/profile-http.ts (`node --import node-meter.mjs ...`) to
// record what a CPU profile cannot show:
// - every fdatasync/fsync the node's JavaScript starts (the WAL's and its directories'; LevelDB syncs
//   from C++ and is not seen), timed from the call to its callback: time spent waiting for the disk;
// - the event loop's utilisation, sampled every eluSampleMs: how close the main thread is to saturation;
// - socket.write calls and bytes, split into peer traffic (a socket whose remote or local port is one of
//   $KVLAB_BENCH_RAFT_PORTS) and client traffic (everything else), sampled with the utilisation;
// - event-loop gaps: a 1 ms timer that notes every turn it fires later than gapMinMs (the time the loop
//   was blocked by one synchronous step or the process was descheduled), so a latency tail can be matched
//   with what held the loop;
// - garbage-collection pauses (perf_hooks 'gc' entries), with their kind.
// On exit it writes {pid, dropped, calls: [[startUs, durationUs, kind]],
//   elu: [[atUs, idleMs, activeMs, peerWrites, peerBytes, clientWrites, clientBytes]],
//   gaps: [[atUs, lateUs]], gcs: [[startUs, durationUs, kind]]}
// to $KVLAB_BENCH_METER_DIR/meter-<pid>.json. Times are CLOCK_MONOTONIC microseconds, like a
// .cpuprofile's. Plain JavaScript: it runs before the node registers tsx.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const outDir = process.env.KVLAB_BENCH_METER_DIR;
/** fsync calls kept; later ones are only counted. */
const callsMax = 1_000_000;
const eluSampleMs = 250;
/** About 8 hours of ELU samples. */
const eluSamplesMax = 120_000;
/** Period of the gap probe; a turn that fires more than gapMinMs late is recorded. */
const gapProbeMs = 1;
const gapMinMs = 5;
const gapsMax = 200_000;
const gcsMax = 200_000;

if (outDir) {
  const calls = [];
  const elu = [];
  let dropped = 0;
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  const timed = (original, kind) =>
    function timedSync(fd, ...rest) {
      const done = rest[rest.length - 1];
      if (typeof done !== 'function') return original.call(this, fd, ...rest);
      const startUs = nowUs();
      return original.call(this, fd, ...rest.slice(0, -1), (...results) => {
        if (calls.length < callsMax) calls.push([startUs, nowUs() - startUs, kind]);
        else dropped++;
        done(...results);
      });
    };
  fs.fdatasync = timed(fs.fdatasync, 'fdatasync');
  fs.fsync = timed(fs.fsync, 'fsync');
  syncBuiltinESMExports();
  const raftPorts = new Set((process.env.KVLAB_BENCH_RAFT_PORTS ?? '').split(',').filter(Boolean).map(Number));
  const writes = { peerWrites: 0, peerBytes: 0, clientWrites: 0, clientBytes: 0 };
  const socketWrite = net.Socket.prototype.write;
  net.Socket.prototype.write = function meteredWrite(chunk, ...rest) {
    const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk?.length ?? 0);
    if (raftPorts.has(this.remotePort) || raftPorts.has(this.localPort)) {
      writes.peerWrites++;
      writes.peerBytes += bytes;
    } else {
      writes.clientWrites++;
      writes.clientBytes += bytes;
    }
    return socketWrite.call(this, chunk, ...rest);
  };
  const sampleElu = () => {
    const { idle, active } = performance.eventLoopUtilization();
    if (elu.length < eluSamplesMax) elu.push([nowUs(), idle, active, writes.peerWrites, writes.peerBytes, writes.clientWrites, writes.clientBytes]);
  };
  setInterval(sampleElu, eluSampleMs).unref();
  const gaps = [];
  let lastProbeUs = nowUs();
  setInterval(() => {
    const atUs = nowUs();
    const lateUs = atUs - lastProbeUs - gapProbeMs * 1000;
    lastProbeUs = atUs;
    if (lateUs >= gapMinMs * 1000 && gaps.length < gapsMax) gaps.push([atUs, lateUs]);
  }, gapProbeMs).unref();
  const gcs = [];
  // performance.now() counts from timeOrigin; convert to the same monotonic microseconds as nowUs().
  const originUs = nowUs() - performance.now() * 1000;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (gcs.length < gcsMax) gcs.push([Math.round(originUs + entry.startTime * 1000), Math.round(entry.duration * 1000), entry.detail?.kind ?? 0]);
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    sampleElu();
    try {
      fs.writeFileSync(join(outDir, `meter-${process.pid}.json`), JSON.stringify({ pid: process.pid, dropped, calls, elu, gaps, gcs }));
    } catch (error) {
      process.stderr.write(`node-meter: could not write its figures: ${error.message}\n`);
    }
  });
}
