import { describe, expect, it } from 'vitest';
import type { KvRead, KvResult, KvWrite } from '../../core/kv/commands.ts';
import type { ClientCallback, ClientError, KvClientApi, ReadOptions, WriteOptions, WriteReceipt } from '../../core/node/client-api.ts';
import { OrderedSession } from '../../core/node/session-order.ts';
import { groupId, logIndex, term } from '../../core/types.ts';
import { SeededRandom } from '../../core/env/seeded-random.ts';

interface Call {
  readonly kind: 'read' | 'write';
  readonly key: string;
  readonly options: ReadOptions | WriteOptions;
  readonly done: ClientCallback;
}

/** A node that only records calls: the test answers them, in any order. */
class RecordingApi implements KvClientApi {
  readonly calls: Call[] = [];
  write(write: KvWrite, options: WriteOptions, done: ClientCallback): void {
    this.calls.push({ kind: 'write', key: (write as { key: string }).key, options, done });
  }
  read(read: KvRead, options: ReadOptions, done: ClientCallback): void {
    this.calls.push({ kind: 'read', key: (read as { key: string }).key, options, done });
  }
  keys(): string[] {
    return this.calls.map((c) => c.key);
  }
}

const set = (key: string): KvWrite => ({ op: 'set', key, value: key });
const get = (key: string): KvRead => ({ op: 'get', key });
const ok: KvResult = { kind: 'ok' };
const receipt = (index: number, group = 1): WriteReceipt => ({ group: groupId(group), index: logIndex(index), term: term(1) });
const timeout: ClientError = { code: 'timeout', message: 'no answer within 5000 ms', outcome: 'unknown' };
const noLeader: ClientError = { code: 'noLeader', message: 'no leader is known', retryAfterMs: 100 };

function answers() {
  const log: string[] = [];
  const errors = new Map<string, ClientError>();
  const cb = (name: string): ClientCallback => (error) => {
    log.push(name);
    if (error) errors.set(name, error);
  };
  return { log, errors, cb };
}

describe('OrderedSession', () => {
  it('sends consecutive writes at once, and consecutive reads at once', () => {
    const node = new RecordingApi();
    const session = new OrderedSession(node);
    const { cb } = answers();
    session.write(set('a'), {}, cb('a'));
    session.write(set('b'), {}, cb('b'));
    session.write(set('c'), {}, cb('c'));
    expect(node.keys()).toEqual(['a', 'b', 'c']);
    node.calls.forEach((c, i) => c.done(null, ok, receipt(i + 1)));
    session.read(get('x'), {}, cb('x'));
    session.read(get('y'), {}, cb('y'));
    expect(node.keys()).toEqual(['a', 'b', 'c', 'x', 'y']);
    expect(session.inFlight).toBe(2);
  });

  it('a read waits for every write sent before it (SET + GET in one pipeline)', () => {
    const node = new RecordingApi();
    const session = new OrderedSession(node);
    const { cb, log } = answers();
    session.write(set('k'), {}, cb('set1'));
    session.write(set('k'), {}, cb('set2'));
    session.read(get('k'), {}, cb('get'));
    expect(node.keys(), 'the GET waits').toEqual(['k', 'k']);
    expect(session.queued).toBe(1);
    node.calls[1].done(null, ok, receipt(8));
    expect(node.calls.length, 'one write still in flight').toBe(2);
    node.calls[0].done(null, ok, receipt(7));
    expect(node.calls.map((c) => c.kind)).toEqual(['write', 'write', 'read']);
    expect(log, 'callers hear in answer order, before what waited starts').toEqual(['set2', 'set1']);
  });

  it('a write waits for every read sent before it (GET + SET + GET)', () => {
    const node = new RecordingApi();
    const session = new OrderedSession(node);
    const { cb } = answers();
    session.read(get('k'), {}, cb('get1'));
    session.read(get('j'), {}, cb('get1b'));
    session.write(set('k'), {}, cb('set'));
    session.read(get('k'), {}, cb('get2'));
    expect(node.keys()).toEqual(['k', 'j']);
    node.calls[0].done(null, { kind: 'value', value: null });
    expect(node.calls.length, 'the other read is still in flight').toBe(2);
    node.calls[1].done(null, { kind: 'value', value: null });
    expect(node.calls.map((c) => c.kind)).toEqual(['read', 'read', 'write']);
    node.calls[2].done(null, ok, receipt(3));
    expect(node.calls.map((c) => c.kind)).toEqual(['read', 'read', 'write', 'read']);
  });

  it('a read after writes carries the highest acknowledged index per group', () => {
    const node = new RecordingApi();
    const session = new OrderedSession(node);
    const { cb } = answers();
    session.read(get('a'), { consistency: 'stale' }, cb('r0'));
    expect((node.calls[0].options as ReadOptions).appliedIndexMin, 'nothing acknowledged yet').toBeUndefined();
    node.calls[0].done(null, { kind: 'value', value: null });
    session.write(set('a'), {}, cb('w1'));
    session.write(set('b'), {}, cb('w2'));
    session.write(set('c'), {}, cb('w3'));
    node.calls[2].done(null, ok, receipt(12, 1));
    node.calls[1].done(null, ok, receipt(9, 1));
    node.calls[3].done(null, ok, receipt(4, 2));
    session.read(get('a'), { consistency: 'stale', timeoutMs: 50 }, cb('r1'));
    const options = node.calls[4].options as ReadOptions;
    expect(options.consistency).toBe('stale');
    expect(options.timeoutMs).toBe(50);
    expect([...options.appliedIndexMin!.entries()]).toEqual([
      [1, 12],
      [2, 4],
    ]);
  });

  it('a write with an unknown outcome breaks the session: what waited behind it, and everything later, fails unexecuted', () => {
    const node = new RecordingApi();
    const session = new OrderedSession(node);
    const { cb, log, errors } = answers();
    session.write(set('a'), {}, cb('w1'));
    session.write(set('b'), {}, cb('w2'));
    session.read(get('a'), {}, cb('r3'));
    session.write(set('c'), {}, cb('w4'));
    node.calls[0].done(timeout);
    expect(session.broken).toBe(true);
    expect(log).toEqual(['w1', 'r3', 'w4']);
    expect(errors.get('r3')?.code).toBe('sessionBroken');
    expect(errors.get('r3')?.message).toContain('unknown outcome');
    expect(errors.get('w4')?.code).toBe('sessionBroken');
    expect(node.keys(), 'neither the read nor the later write reached the node').toEqual(['a', 'b']);
    node.calls[1].done(null, ok, receipt(5));
    expect(log.at(-1), 'the write already sent with it completes normally').toBe('w2');
    expect(errors.has('w2')).toBe(false);
    session.read(get('z'), {}, cb('r5'));
    expect(errors.get('r5')?.code).toBe('sessionBroken');
    expect(node.calls.length).toBe(2);
    expect(session.inFlight + session.queued).toBe(0);
  });

  it('a write refused for sure (no leader) leaves the session usable; so does a read that timed out', () => {
    const node = new RecordingApi();
    const session = new OrderedSession(node);
    const { cb, errors } = answers();
    session.write(set('a'), {}, cb('w1'));
    session.read(get('a'), {}, cb('r2'));
    node.calls[0].done(noLeader);
    expect(session.broken).toBe(false);
    expect(node.calls[1].kind).toBe('read');
    node.calls[1].done(timeout);
    expect(session.broken).toBe(false);
    session.write(set('b'), {}, cb('w3'));
    expect(node.calls.length).toBe(3);
    expect(errors.get('w1')?.code).toBe('noLeader');
  });

  it('a node stopping under a write breaks the session too (its outcome is unknown)', () => {
    const node = new RecordingApi();
    const session = new OrderedSession(node);
    const { cb, errors } = answers();
    session.write(set('a'), {}, cb('w1'));
    session.read(get('a'), {}, cb('r2'));
    node.calls[0].done({ code: 'stopping', message: 'the node is stopping' });
    expect(errors.get('r2')?.code).toBe('sessionBroken');
  });

  it('handles a node that answers synchronously, over long alternating pipelines, without deep recursion', () => {
    const answered: string[] = [];
    let inside = 0;
    let insideMax = 0;
    const node: KvClientApi = {
      write: (w, _o, done) => {
        inside++;
        insideMax = Math.max(insideMax, inside);
        done(null, ok, receipt(1));
        inside--;
      },
      read: (_r, _o, done) => {
        inside++;
        insideMax = Math.max(insideMax, inside);
        done(null, { kind: 'value', value: null });
        inside--;
      },
    };
    const session = new OrderedSession(node);
    for (let i = 0; i < 5000; i++) {
      if (i % 3 === 0) session.read(get(`k${i}`), {}, () => answered.push(`r${i}`));
      else session.write(set(`k${i}`), {}, () => answered.push(`w${i}`));
    }
    expect(answered.length).toBe(5000);
    expect(answered.slice(0, 4)).toEqual(['r0', 'w1', 'w2', 'r3']);
    expect(insideMax, 'inner calls never nest').toBe(1);
    expect(session.inFlight + session.queued).toBe(0);
  });

  it('is as good as sequential execution against a node that serves reads whenever it likes', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = new SeededRandom(String(seed));
      // The node: writes enter a log in call order and apply (and answer) one at a time; a read is
      // answered from whatever is applied at a moment the seed picks, as a real node serves reads.
      const data = new Map<string, string>();
      const log: (() => void)[] = [];
      const reads: (() => void)[] = [];
      const node: KvClientApi = {
        write: (w, _o, done) => void log.push(() => {
          const write = w as Extract<KvWrite, { op: 'set' }>;
          data.set(write.key, write.value);
          done(null, ok, receipt(1));
        }),
        read: (r, _o, done) => void reads.push(() => done(null, { kind: 'value', value: data.get((r as { key: string }).key) ?? null })),
      };
      const step = (): void => {
        if (log.length > 0 && (reads.length === 0 || random.next() < 0.5)) log.shift()!();
        else if (reads.length > 0) reads.splice(random.int(0, reads.length - 1), 1)[0]();
      };
      const session = new OrderedSession(node);
      const model = new Map<string, string>();
      const expected: (string | null)[] = [];
      const seen: (string | null)[] = [];
      for (let op = 0; op < 200; op++) {
        const key = `k${random.int(0, 3)}`;
        if (random.next() < 0.5) {
          const value = `v${op}`;
          model.set(key, value);
          session.write({ op: 'set', key, value }, {}, () => {});
        } else {
          const at = expected.length;
          expected.push(model.get(key) ?? null);
          seen.push(null);
          session.read(get(key), {}, (_e, result) => void (seen[at] = (result as { value: string | null }).value));
        }
        while (log.length + reads.length > 0 && random.next() < 0.4) step();
      }
      while (log.length + reads.length > 0) step();
      expect(seen, `seed ${seed}`).toEqual(expected);
    }
  });
});
