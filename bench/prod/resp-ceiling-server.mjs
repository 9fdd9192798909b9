// The leanest replicated "store" we can write in Node.js, to measure the ceiling of this machine for
// redis-benchmark SET/GET: no Raft, no state machine, no LevelDB, no checksums. Run by
// bench/prod/resp-ceiling.ts in one of three roles:
//   node resp-ceiling-server.mjs leader  <respPort> <mode> <dir> <followerPort>... (mode: ok | relay | relay-fsync)
//   node resp-ceiling-server.mjs follower <peerPort> <fsync: 0|1> <dir>
// ok:          parse RESP, answer SET with +OK and GET with a nil, nothing else.
// relay:       every socket read's commands become one frame; the frames of one event-loop turn go to
//              each follower in one write (acks likewise), and clients are answered once one follower
//              (a quorum of three) acknowledges their frame.
// relay-fsync: as relay, and every process appends the frame to a file and fdatasyncs it (group
//              commit: one fdatasync in flight, frames arriving meanwhile share the next) before it counts.
import { appendFileSync, fdatasync, mkdirSync, openSync, writeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

const [role, ...args] = process.argv.slice(2);

/** Counts the complete RESP arrays at the start of `buf` (from `from`); returns [commands, kinds, end]. */
function scanCommands(buf, from) {
  const kinds = [];
  let at = from;
  for (;;) {
    if (at >= buf.length || buf[at] !== 0x2a /* * */) break;
    let nl = buf.indexOf(10, at);
    if (nl < 0) break;
    const n = Number(buf.toString('latin1', at + 1, nl - 1));
    let p = nl + 1;
    let kind = '';
    let complete = true;
    for (let i = 0; i < n; i++) {
      nl = buf.indexOf(10, p);
      if (nl < 0 || buf[p] !== 0x24 /* $ */) {
        complete = false;
        break;
      }
      const len = Number(buf.toString('latin1', p + 1, nl - 1));
      if (nl + 1 + len + 2 > buf.length) {
        complete = false;
        break;
      }
      if (i === 0) kind = buf.toString('latin1', nl + 1, nl + 1 + len).toUpperCase();
      p = nl + 1 + len + 2;
    }
    if (!complete) break;
    kinds.push(kind);
    at = p;
  }
  return [kinds, at];
}

function reply(kind) {
  if (kind === 'GET') return '$-1\r\n';
  if (kind === 'CONFIG') return '*0\r\n';
  return '+OK\r\n';
}

/** One durable append stream with group commit: done callbacks run after an fdatasync covering them. */
function groupCommitLog(dir, enabled) {
  if (!enabled) return (bytes, done) => done();
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, 'log'), 'w');
  let syncing = false;
  let waiting = [];
  const sync = () => {
    syncing = true;
    const batch = waiting;
    waiting = [];
    fdatasync(fd, () => {
      syncing = false;
      for (const done of batch) done();
      if (waiting.length > 0) sync();
    });
  };
  return (bytes, done) => {
    writeSync(fd, bytes);
    waiting.push(done);
    if (!syncing) sync();
  };
}

if (role === 'follower') {
  const [port, fsyncFlag, dir] = args;
  const log = groupCommitLog(dir, fsyncFlag === '1');
  createServer((socket) => {
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    let acks = [];
    // Acknowledgements made in one turn leave in one write.
    const flushAcks = () => {
      socket.write(Buffer.concat(acks));
      acks = [];
    };
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      while (pending.length - at >= 8) {
        const len = pending.readUInt32LE(at);
        const id = pending.readUInt32LE(at + 4);
        if (pending.length - at - 8 < len) break;
        const body = pending.subarray(at + 8, at + 8 + len);
        at += 8 + len;
        log(body, () => {
          const ack = Buffer.allocUnsafe(4);
          ack.writeUInt32LE(id);
          acks.push(ack);
          if (acks.length === 1) setImmediate(flushAcks);
        });
      }
      pending = pending.subarray(at);
    });
  }).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
} else if (role === 'leader') {
  const [port, mode, dir, ...followerPorts] = args;
  const log = groupCommitLog(dir, mode === 'relay-fsync');
  const followers = followerPorts.map((p) => connect(Number(p), '127.0.0.1'));
  /** Frames made in one turn (every client's commands read in it) leave to each follower in one write. */
  let outbound = [];
  const flushOutbound = () => {
    const wire = Buffer.concat(outbound);
    outbound = [];
    for (const follower of followers) follower.write(wire);
  };
  /** Frame id -> { acks needed, answer } */
  const waiting = new Map();
  let idNext = 1;
  for (const follower of followers) {
    follower.setNoDelay(true);
    let pending = Buffer.alloc(0);
    follower.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      for (; pending.length - at >= 4; at += 4) {
        const id = pending.readUInt32LE(at);
        const w = waiting.get(id);
        if (w === undefined) continue;
        w.acks += 1;
        w.check();
      }
      pending = pending.subarray(at);
    });
  }
  createServer((socket) => {
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const [kinds, end] = scanCommands(pending, 0);
      const body = pending.subarray(0, end);
      pending = pending.subarray(end);
      if (kinds.length === 0) return;
      const answer = kinds.map(reply).join('');
      if (mode === 'ok') {
        socket.write(answer);
        return;
      }
      const id = idNext++;
      let own = false;
      const w = {
        acks: 0,
        check() {
          // A quorum of three: this process (durable if fsync) and one follower.
          if (!own || w.acks < 1) return;
          waiting.delete(id);
          socket.write(answer);
        },
      };
      waiting.set(id, w);
      const head = Buffer.allocUnsafe(8);
      head.writeUInt32LE(body.length, 0);
      head.writeUInt32LE(id, 4);
      outbound.push(head, body);
      if (outbound.length === 2) setImmediate(flushOutbound);
      log(body, () => {
        own = true;
        w.check();
      });
    });
  }).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
} else {
  appendFileSync(2, `unknown role ${role}\n`);
  process.exit(2);
}
