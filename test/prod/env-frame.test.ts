import { describe, expect, it } from 'vitest';
import { Backoff } from '../../prod/env/backoff.ts';
import { encodeFrames, FrameDecoder, FrameTooLargeError } from '../../prod/env/frame-codec.ts';
import { FrameQueue } from '../../prod/env/frame-queue.ts';
import { checkHello, checkHelloReply, encodeJson } from '../../prod/env/handshake.ts';
import { nodeId } from '../../core/types.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function decodeAll(decoder: FrameDecoder, chunks: Buffer[]): number[][] {
  const out: number[][] = [];
  for (const chunk of chunks) decoder.push(chunk, (payload) => out.push([...payload]));
  return out;
}

describe('frame codec', () => {
  const frames = [bytes(1, 2, 3), bytes(), bytes(9), new Uint8Array(300).fill(7)];
  const wire = encodeFrames(frames);

  it('encodes u32 big-endian lengths before each payload', () => {
    expect([...wire.subarray(0, 7)]).toEqual([0, 0, 0, 3, 1, 2, 3]);
    expect(wire.length).toBe(4 * frames.length + 304);
  });

  it('decodes frames split at every possible byte boundary', () => {
    const expected = frames.map((f) => [...f]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const decoded = decodeAll(new FrameDecoder(1024), [wire.subarray(0, cut), wire.subarray(cut)]);
      expect(decoded, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const chunks = [...wire].map((b) => Buffer.from([b]));
    expect(decodeAll(new FrameDecoder(1024), chunks)).toEqual(frames.map((f) => [...f]));
  });

  it('hands out private copies, not views of the socket buffer', () => {
    const chunk = Buffer.from(encodeFrames([bytes(5, 6)]));
    const [payload] = decodeAll(new FrameDecoder(16), [chunk]);
    chunk.fill(0);
    expect(payload).toEqual([5, 6]);
  });

  it('refuses a length above the limit before buffering the body', () => {
    const decoder = new FrameDecoder(100);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(101);
    expect(() => decoder.push(header, () => {})).toThrow(FrameTooLargeError);
    expect(() => new FrameDecoder(100).push(Buffer.from('GET / HTTP/1.1\r\n'), () => {})).toThrow(/exceeds the limit of 100 bytes/);
  });
});

describe('frame queue', () => {
  it('drops the oldest frames when the count bound is reached', () => {
    const queue = new FrameQueue(3, 1000);
    let dropped = 0;
    for (let i = 0; i < 5; i++) dropped += queue.push(bytes(i));
    expect(dropped).toBe(2);
    expect([queue.shift(), queue.shift(), queue.shift()].map((f) => f![0])).toEqual([2, 3, 4]);
    expect(queue.shift()).toBeUndefined();
  });

  it('drops the oldest frames when the byte bound is reached', () => {
    const queue = new FrameQueue(100, 10);
    expect(queue.push(new Uint8Array(4))).toBe(0);
    expect(queue.push(new Uint8Array(4))).toBe(0);
    expect(queue.push(new Uint8Array(4))).toBe(1);
    expect(queue.byteCount()).toBe(8);
    expect(queue.count()).toBe(2);
  });

  it('keeps FIFO order across compactions', () => {
    const queue = new FrameQueue(5000, 1 << 20);
    for (let i = 0; i < 3000; i++) queue.push(bytes(i & 255, i >> 8));
    const order: number[] = [];
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) order.push(f[0] | (f[1] << 8));
    expect(order).toEqual([...Array(3000).keys()]);
  });
});

describe('reconnect backoff', () => {
  it('doubles from min to max with jitter in [d/2, d], and resets', () => {
    const low = new Backoff(50, 1000, () => 0);
    const high = new Backoff(50, 1000, () => 0.999999);
    const lows = Array.from({ length: 8 }, () => low.nextDelayMs());
    const highs = Array.from({ length: 8 }, () => high.nextDelayMs());
    expect(highs).toEqual([50, 100, 200, 400, 800, 1000, 1000, 1000]);
    expect(lows).toEqual([25, 50, 100, 200, 400, 500, 500, 500]);
    high.reset();
    expect(high.nextDelayMs()).toBe(50);
  });
});

describe('handshake', () => {
  const self = { clusterId: 'c1', nodeId: nodeId(1), isKnownPeer: (id: number) => id === 2 || id === 3 };
  const hello = (fields: Record<string, unknown>) => encodeJson({ protocol: 'kvlab-raft', version: 1, clusterId: 'c1', from: 2, to: 1, ...fields });

  it('accepts a configured peer of the same cluster addressed to us', () => {
    expect(checkHello(hello({}), self)).toEqual({ hello: expect.objectContaining({ from: 2, to: 1 }) });
  });

  it.each([
    [{ clusterId: 'c2' }, /cluster id "c2" does not match/],
    [{ from: 9 }, /node 9 is not a configured peer/],
    [{ to: 5 }, /expected node 5 but this is node 1/],
    [{ from: 1 }, /own id/],
    [{ version: 7 }, /version 7 is not supported/],
    [{ protocol: 'http' }, /not a kvlab-raft handshake/],
    [{ from: 1.5 }, /integers >= 1/],
  ])('refuses %j', (fields, reason) => {
    const result = checkHello(hello(fields), self);
    expect('reason' in result && result.reason).toMatch(reason);
  });

  it('dialer checks the acceptor identity', () => {
    const reply = (fields: Record<string, unknown>) => encodeJson({ protocol: 'kvlab-raft', version: 1, ok: true, clusterId: 'c1', nodeId: 2, ...fields });
    expect(checkHelloReply(reply({}), 'c1', nodeId(2))).toBeNull();
    expect(checkHelloReply(reply({ nodeId: 3 }), 'c1', nodeId(2))).toMatch(/is node 3, expected node 2/);
    expect(checkHelloReply(reply({ clusterId: 'x' }), 'c1', nodeId(2))).toMatch(/cluster "x"/);
    expect(checkHelloReply(reply({ ok: false, reason: 'nope' }), 'c1', nodeId(2))).toMatch(/refused the handshake: nope/);
    expect(checkHelloReply(bytes(1, 2, 3), 'c1', nodeId(2))).toMatch(/did not answer/);
  });
});
