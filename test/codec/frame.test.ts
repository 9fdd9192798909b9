import { describe, expect, it } from 'vitest';
import { createRandom } from '../../sim/random.ts';
import { decodeConfChange, encodeConfChange } from '../../core/codec/conf-change.ts';
import { FRAME_KIND_RAFT, decodeFrame, describeFrame, encodeFrame } from '../../core/codec/frame.ts';
import type { Frame } from '../../core/codec/frame.ts';
import { MESSAGE_TYPES } from '../../core/codec/raft-message.ts';
import type { ConfChange, Entry, Message } from '../../core/raft/types.ts';
import { KvlabError, groupId, logIndex, nodeId, term } from '../../core/types.ts';
import type { Random } from '../../core/env/random.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function message(overrides: Partial<Message> = {}): Message {
  return {
    type: 'app',
    group: groupId(7),
    from: nodeId(1),
    to: nodeId(2),
    term: term(5),
    logTerm: term(4),
    index: logIndex(10),
    entries: [],
    commit: logIndex(9),
    reject: false,
    rejectHint: logIndex(0),
    ...overrides,
  };
}

const entry = (index: number, t: number, data: string, type: Entry['type'] = 'normal'): Entry => ({ index: logIndex(index), term: term(t), type, data: bytes(data) });

function roundTrip(m: Message): Message {
  const frame = decodeFrame(encodeFrame({ kind: 'raft', message: m }));
  expect(frame.kind).toBe('raft');
  return (frame as { message: Message }).message;
}

function randomMessage(rng: Random): Message {
  const n = rng.int(0, 4);
  const first = rng.int(1, 1_000_000);
  const entries = Array.from({ length: n }, (_, i) => entry(first + i, rng.int(0, 2 ** 40), 'x'.repeat(rng.int(0, 40)), rng.chance(0.2) ? 'confChange' : 'normal'));
  const withSnap = rng.chance(0.3);
  const total = rng.int(0, 100);
  const offset = rng.int(0, total);
  const end = rng.int(offset, total);
  return message({
    type: rng.pick(MESSAGE_TYPES),
    group: groupId(rng.int(0, 2 ** 31)),
    from: nodeId(rng.int(1, 1000)),
    to: nodeId(rng.int(1, 1000)),
    term: term(rng.int(0, Number.MAX_SAFE_INTEGER)),
    logTerm: term(rng.int(0, 2 ** 35)),
    index: logIndex(rng.int(0, 2 ** 45)),
    commit: logIndex(rng.int(0, 2 ** 20)),
    reject: rng.chance(0.5),
    rejectHint: logIndex(rng.int(0, 300)),
    entries,
    snapshot: withSnap
      ? { index: logIndex(rng.int(0, 1e9)), term: term(rng.int(0, 1e6)), confState: { voters: [nodeId(1), nodeId(2)], learners: [nodeId(9)], votersOutgoing: [], learnersNext: [], autoLeave: rng.chance(0.5) } }
      : undefined,
    chunk: withSnap ? { offset, data: new Uint8Array(end - offset).fill(7), totalBytes: total, last: end === total } : undefined,
    context: rng.chance(0.3) ? bytes(`ctx${rng.int(0, 99)}`) : undefined,
    leaderTick: rng.chance(0.3) ? rng.int(0, 1e9) : undefined,
  });
}

/** Drops undefined optional fields so toEqual compares what travels. */
function normalized(m: Message): Message {
  return JSON.parse(JSON.stringify(m, (_, v) => (v instanceof Uint8Array ? Array.from(v) : v)));
}

describe('frame codec', () => {
  it('round-trips an append with entries, keeping every field', () => {
    const m = message({ entries: [entry(11, 5, 'set a 1'), entry(12, 5, '', 'normal'), entry(13, 5, 'cc', 'confChange')] });
    expect(normalized(roundTrip(m))).toEqual(normalized(m));
  });

  it('round-trips snapshot metadata, a chunk, a context and a leader tick', () => {
    const m = message({
      type: 'snap',
      snapshot: {
        index: logIndex(100),
        term: term(3),
        confState: { voters: [nodeId(1), nodeId(2)], learners: [nodeId(4)], votersOutgoing: [nodeId(1), nodeId(3)], learnersNext: [nodeId(3)], autoLeave: true },
      },
      chunk: { offset: 10, data: bytes('abcdef'), totalBytes: 16, last: true },
      context: bytes('read-1'),
      leaderTick: 123456,
      reject: true,
    });
    expect(normalized(roundTrip(m))).toEqual(normalized(m));
  });

  it('round-trips every message type and large safe integers', () => {
    for (const type of MESSAGE_TYPES) {
      const m = message({ type, term: term(Number.MAX_SAFE_INTEGER), index: logIndex(2 ** 52 + 1) });
      expect(normalized(roundTrip(m))).toEqual(normalized(m));
    }
  });

  it('round-trips random messages (seed 11)', () => {
    const rng = createRandom(11);
    for (let i = 0; i < 500; i++) {
      const m = randomMessage(rng);
      expect(normalized(roundTrip(m)), `seed 11, message ${i}`).toEqual(normalized(m));
    }
  });

  it('copies payloads out of the frame buffer (the transport may reuse it)', () => {
    const buf = encodeFrame({ kind: 'raft', message: message({ entries: [entry(11, 5, 'hello')] }) });
    const decoded = decodeFrame(buf) as { message: Message };
    buf.fill(0);
    expect(new TextDecoder().decode(decoded.message.entries[0].data)).toBe('hello');
  });

  it('carries opaque frames of other kinds untouched', () => {
    const frame: Frame = { kind: 'opaque', tag: 9, payload: bytes('client request') };
    expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
    expect(() => encodeFrame({ kind: 'opaque', tag: FRAME_KIND_RAFT, payload: new Uint8Array() })).toThrow(KvlabError);
  });

  it('refuses a frame larger than frameBytesMax', () => {
    const buf = encodeFrame({ kind: 'raft', message: message({ entries: [entry(11, 5, 'x'.repeat(1000))] }) });
    expect(() => decodeFrame(buf, 500)).toThrow(/frameBytesMax/);
  });

  it('names the field when the input is truncated or has trailing bytes', () => {
    const buf = encodeFrame({ kind: 'raft', message: message({ entries: [entry(11, 5, 'abc')] }) });
    expect(() => decodeFrame(buf.subarray(0, buf.length - 2))).toThrow(/entries\.data/);
    const longer = new Uint8Array(buf.length + 1);
    longer.set(buf);
    expect(() => decodeFrame(longer)).toThrow(/trailing/);
    expect(() => decodeFrame(new Uint8Array([FRAME_KIND_RAFT, 200]))).toThrow(/field type/);
    expect(() => decodeFrame(new Uint8Array([0]))).toThrow(/kind/);
    expect(() => decodeFrame(new Uint8Array([]))).toThrow(/kind.*truncated/);
  });

  it('rejects an entry count larger than the bytes that follow', () => {
    // kind, type app, flags 0, eight zero varints, then a count of 2^40 entries.
    const buf = new Uint8Array([FRAME_KIND_RAFT, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    expect(() => decodeFrame(buf)).toThrow(/field entries: count/);
  });

  it('random bytes and mutated frames fail only with KvlabError (seed 12)', () => {
    const rng = createRandom(12);
    const valid = Array.from({ length: 20 }, () => encodeFrame({ kind: 'raft', message: randomMessage(rng) }));
    let rejected = 0;
    for (let i = 0; i < 4000; i++) {
      let buf: Uint8Array;
      if (i % 4 === 0) {
        buf = new Uint8Array(rng.int(0, 64)).map(() => rng.int(0, 255));
        buf[0] = FRAME_KIND_RAFT;
      } else {
        buf = rng.pick(valid).slice();
        const flips = rng.int(1, 4);
        for (let f = 0; f < flips; f++) buf[rng.int(0, buf.length - 1)] = rng.int(0, 255);
        if (rng.chance(0.3)) buf = buf.subarray(0, rng.int(0, buf.length));
      }
      try {
        decodeFrame(buf, 1 << 16);
      } catch (e) {
        expect(e, `seed 12, case ${i}`).toBeInstanceOf(KvlabError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });

  it('describes a frame for the trace', () => {
    const m = message({ entries: [entry(11, 5, 'a'), entry(12, 5, 'b')], reject: true });
    expect(describeFrame({ kind: 'raft', message: m })).toEqual({ type: 'app', group: 7, term: 5, index: 10, commit: 9, entries: 2, reject: true });
    expect(describeFrame({ kind: 'raft', message: message({ type: 'heartbeat', index: logIndex(0), commit: logIndex(0) }) })).toEqual({ type: 'heartbeat', group: 7, term: 5 });
    expect(describeFrame({ kind: 'opaque', tag: 3, payload: bytes('xy') })).toEqual({ type: 'opaque', tag: 3, bytes: 2 });
  });
});

describe('conf change codec', () => {
  it('round-trips simple, joint and leave-joint changes', () => {
    const changes: ConfChange[] = [
      { changes: [{ type: 'addVoter', nodeId: nodeId(4) }] },
      { changes: [{ type: 'addLearner', nodeId: nodeId(5) }, { type: 'removeNode', nodeId: nodeId(300) }], transition: 'explicit', context: bytes('addr') },
      { changes: [], transition: 'auto' },
      { changes: [] },
      { changes: [{ type: 'removeNode', nodeId: nodeId(1) }], transition: 'implicit' },
    ];
    for (const cc of changes) expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
  });

  it('rejects malformed conf changes with KvlabError naming the field', () => {
    expect(() => decodeConfChange(new Uint8Array([0, 1, 7, 1]))).toThrow(/changes\.type/);
    expect(() => decodeConfChange(new Uint8Array([0, 1, 0, 0]))).toThrow(/node id 0/);
    expect(() => decodeConfChange(new Uint8Array([0x40]))).toThrow(/flags/);
    expect(() => decodeConfChange(new Uint8Array([0, 5, 0, 1]))).toThrow(/count/);
    const rng = createRandom(13);
    for (let i = 0; i < 2000; i++) {
      const buf = new Uint8Array(rng.int(0, 12)).map(() => rng.int(0, 255));
      try {
        decodeConfChange(buf);
      } catch (e) {
        expect(e, `seed 13, case ${i}`).toBeInstanceOf(KvlabError);
      }
    }
  });
});
