// The TCP transport on 127.0.0.1 with ephemeral ports: delivery between real sockets, handshake
// refusals, reconnect after a restart, bounded queues and oversized frames.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeId, type NodeId } from '../../core/types.ts';
import { encodeFrames, FrameDecoder } from '../../prod/env/frame-codec.ts';
import { encodeJson } from '../../prod/env/handshake.ts';
import type { PeerAddress, TcpNetworkLimits } from '../../prod/env/tcp-config.ts';
import { TcpNetwork } from '../../prod/env/tcp-network.ts';
import { waitFor } from './env-fixtures/wait.ts';

const fastLimits: Partial<TcpNetworkLimits> = { reconnectDelayMsMin: 10, reconnectDelayMsMax: 100, handshakeTimeoutMs: 5000 };
const opened: Array<{ close(): unknown }> = [];

afterEach(async () => {
  for (const thing of opened.splice(0)) await thing.close();
});

interface Received {
  from: NodeId;
  text: string;
}

async function startNode(id: number, options: { clusterId?: string; port?: number; limits?: Partial<TcpNetworkLimits> } = {}) {
  const network = new TcpNetwork({
    nodeId: nodeId(id),
    clusterId: options.clusterId ?? 'test-cluster',
    listen: { host: '127.0.0.1', port: options.port ?? 0 },
    peers: new Map(),
    limits: { ...fastLimits, ...options.limits },
  });
  opened.push(network);
  const received: Received[] = [];
  network.onReceive((from, frame) => received.push({ from, text: new TextDecoder().decode(frame) }));
  const address = await network.listen();
  return { network, received, address };
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function link(nodes: Array<{ network: TcpNetwork; address: PeerAddress }>): void {
  for (const a of nodes) for (const b of nodes) if (a !== b) a.network.setPeer(b.network.nodeId, b.address);
}

function listenRaw(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  opened.push({ close: () => new Promise((r) => server.close(r)) });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

/** A raw client speaking the handshake by hand; resolves with the acceptor's reply. */
function rawDial(port: number, hello: Record<string, unknown>): Promise<{ socket: Socket; reply: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    opened.push({ close: () => socket.destroy() });
    const decoder = new FrameDecoder(4096);
    socket.on('connect', () => socket.write(encodeFrames([encodeJson({ protocol: 'kvlab-raft', version: 1, ...hello })])));
    socket.on('data', (chunk: Buffer) => decoder.push(chunk, (f) => resolve({ socket, reply: JSON.parse(new TextDecoder().decode(f)) })));
    socket.on('error', reject);
  });
}

describe('TcpNetwork', () => {
  it('three nodes exchange frames in order over real sockets', async () => {
    const nodes = [await startNode(1), await startNode(2), await startNode(3)];
    link(nodes);
    const perPair = 200;
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) continue;
        for (let i = 0; i < perPair; i++) a.network.send(b.network.nodeId, text(`${a.network.nodeId}->${b.network.nodeId}#${i}`));
      }
    }
    // Frames sent before the connection is up wait in the queue (bounded), so none is lost here.
    await waitFor(() => nodes.every((n) => n.received.length === 2 * perPair), 'every frame to arrive');
    for (const n of nodes) {
      for (const from of nodes.filter((m) => m !== n)) {
        const texts = n.received.filter((r) => r.from === from.network.nodeId).map((r) => r.text);
        expect(texts).toEqual(Array.from({ length: perPair }, (_, i) => `${from.network.nodeId}->${n.network.nodeId}#${i}`));
      }
      const stats = n.network.stats();
      for (const [, peer] of stats.peers) {
        expect(peer).toMatchObject({ framesSent: perPair, framesReceived: perPair, connected: true, connects: 1, framesDroppedQueueFull: 0 });
        expect(peer.bytesSent).toBeGreaterThan(perPair * 4);
      }
    }
  });

  it('delivers frames sent to itself without a socket', async () => {
    const node = await startNode(1);
    node.network.send(nodeId(1), text('me'));
    await waitFor(() => node.received.length === 1, 'loopback frame');
    expect(node.received[0]).toEqual({ from: 1, text: 'me' });
  });

  it('refuses a peer with the wrong cluster id, in both directions', async () => {
    const a = await startNode(1);
    const stranger = await startNode(2, { clusterId: 'other-cluster' });
    link([a, stranger]);
    stranger.network.send(nodeId(1), text('should never arrive'));
    a.network.send(nodeId(2), text('should never arrive either'));
    await waitFor(() => a.network.stats().peers.get(nodeId(2))!.handshakeFailures >= 2, 'refusals at node 1');
    await waitFor(() => stranger.network.stats().peers.get(nodeId(1))!.handshakeFailures >= 2, 'refusals at the stranger');
    expect(a.received).toEqual([]);
    expect(stranger.received).toEqual([]);
    expect(a.network.stats().peers.get(nodeId(2))!.connected).toBe(false);
    const { reply } = await rawDial(a.address.port, { clusterId: 'other-cluster', from: 2, to: 1 });
    expect(reply).toMatchObject({ ok: false, reason: expect.stringMatching(/cluster id "other-cluster" does not match/) });
  });

  it('refuses an unknown node id and a dialer that expected another node', async () => {
    const a = await startNode(1);
    const b = await startNode(2);
    link([a, b]);
    const unknown = await rawDial(a.address.port, { clusterId: 'test-cluster', from: 7, to: 1 });
    expect(unknown.reply).toMatchObject({ ok: false, reason: expect.stringMatching(/node 7 is not a configured peer/) });
    const misdirected = await rawDial(a.address.port, { clusterId: 'test-cluster', from: 2, to: 3 });
    expect(misdirected.reply).toMatchObject({ ok: false, reason: expect.stringMatching(/expected node 3 but this is node 1/) });
    expect(a.network.stats().handshakeFailuresUnknown).toBeGreaterThanOrEqual(1);

    // Node 3's config points at node 2's address for node 1: the acceptor refuses, nothing is delivered.
    const c = await startNode(3);
    c.network.setPeer(nodeId(1), b.address);
    c.network.send(nodeId(1), text('to the wrong node'));
    await waitFor(() => c.network.stats().peers.get(nodeId(1))!.handshakeFailures >= 1, 'refusal of a misdirected dial');
    expect(b.received).toEqual([]);
  });

  it('reconnects after the peer restarts on the same port', async () => {
    const a = await startNode(1);
    const b1 = await startNode(2);
    link([a, b1]);
    a.network.send(nodeId(2), text('before'));
    await waitFor(() => b1.received.length === 1, 'first frame');
    await b1.network.close();
    await waitFor(() => !a.network.stats().peers.get(nodeId(2))!.connected, 'node 1 to notice the disconnect');

    const b2 = await startNode(2, { port: b1.address.port });
    b2.network.setPeer(nodeId(1), a.address);
    await waitFor(() => a.network.stats().peers.get(nodeId(2))!.connected, 'node 1 to reconnect');
    a.network.send(nodeId(2), text('after'));
    await waitFor(() => b2.received.length === 1, 'frame after restart');
    expect(b2.received[0]).toEqual({ from: 1, text: 'after' });
    const stats = a.network.stats().peers.get(nodeId(2))!;
    expect(stats.connects).toBe(2);
    expect(stats.disconnects).toBe(1);
  });

  it('dials a peer at once when it connects to us, instead of waiting out the reconnect backoff', async () => {
    // A backoff of 60 s: node 1's only way to reach node 2 within this test is to redial when node 2
    // dials it. Node 2 starts after node 1 failed to reach it (nothing listened on its port yet).
    const slowRedial = { reconnectDelayMsMin: 60_000, reconnectDelayMsMax: 60_000 };
    const a = await startNode(1, { limits: slowRedial });
    const reserved = await listenRaw(() => {});
    const port = reserved.port;
    await new Promise((resolve) => reserved.server.close(resolve));
    a.network.setPeer(nodeId(2), { host: '127.0.0.1', port });
    // A frame is dropped as unreachable once the refused dial closed (queued frames go with it) or
    // when sent during the backoff: either way node 1 is now waiting out its 60 s.
    const dropped = () => a.network.stats().peers.get(nodeId(2))!.framesDroppedUnreachable;
    await waitFor(() => {
      a.network.send(nodeId(2), text('probe'));
      return dropped() > 0;
    }, 'node 1 to fail its first dial and back off');
    const b = await startNode(2, { port, limits: slowRedial });
    b.network.setPeer(nodeId(1), a.address);
    await waitFor(() => a.network.stats().peers.get(nodeId(2))!.connected, 'node 1 to redial node 2 once node 2 connected');
    a.network.send(nodeId(2), text('after'));
    await waitFor(() => b.received.length === 1, 'the frame sent after the redial');
    expect(b.received).toEqual([{ from: 1, text: 'after' }]);
    expect(a.network.stats().peers.get(nodeId(2))!.connects).toBe(1);
  });

  it('bounds the queue of a peer that never answers the handshake, dropping the oldest', async () => {
    const silent = await listenRaw(() => {});
    const a = await startNode(1, { limits: { queueFramesMax: 64, frameBytesMax: 4096, queueBytesMax: 1 << 20 } });
    a.network.setPeer(nodeId(2), { host: '127.0.0.1', port: silent.port });
    for (let i = 0; i < 1000; i++) a.network.send(nodeId(2), new Uint8Array(100));
    let stats = a.network.stats().peers.get(nodeId(2))!;
    expect(stats).toMatchObject({ queuedFrames: 64, framesDroppedQueueFull: 936, connected: false });

    for (let i = 0; i < 100; i++) a.network.send(nodeId(3), new Uint8Array(1));
    expect(a.network.stats().framesDroppedUnknownPeer).toBe(100);

    const byBytes = await startNode(3, { limits: { frameBytesMax: 4096, queueBytesMax: 8192 } });
    byBytes.network.setPeer(nodeId(2), { host: '127.0.0.1', port: silent.port });
    for (let i = 0; i < 100; i++) byBytes.network.send(nodeId(2), new Uint8Array(1000));
    stats = byBytes.network.stats().peers.get(nodeId(2))!;
    expect(stats).toMatchObject({ queuedFrames: 8, queuedBytes: 8000, framesDroppedQueueFull: 92 });
  });

  it('bounds memory when a connected peer stops reading (backpressure)', async () => {
    const paused: Socket[] = [];
    // A fake node 2 that completes the handshake and then never reads again.
    const fake = await listenRaw((socket) => {
      paused.push(socket);
      socket.once('data', () => {
        socket.write(encodeFrames([encodeJson({ protocol: 'kvlab-raft', version: 1, ok: true, clusterId: 'test-cluster', nodeId: 2 })]));
        socket.pause();
      });
    });
    const limits = { frameBytesMax: 64 * 1024, queueBytesMax: 256 * 1024, queueFramesMax: 1000 };
    const a = await startNode(1, { limits });
    a.network.setPeer(nodeId(2), { host: '127.0.0.1', port: fake.port });
    await waitFor(() => a.network.stats().peers.get(nodeId(2))!.connected, 'handshake with the fake peer');
    const frame = new Uint8Array(64 * 1024);
    let queuedBytesMax = 0;
    // 64 MiB in total: more than the kernel's loopback buffers can absorb.
    for (let round = 0; round < 64; round++) {
      for (let i = 0; i < 16; i++) a.network.send(nodeId(2), frame);
      queuedBytesMax = Math.max(queuedBytesMax, a.network.stats().peers.get(nodeId(2))!.queuedBytes);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const stats = a.network.stats().peers.get(nodeId(2))!;
    expect(queuedBytesMax).toBeLessThanOrEqual(limits.queueBytesMax);
    expect(stats.framesDroppedQueueFull).toBeGreaterThan(0);
    expect(stats.framesSent + stats.framesDroppedQueueFull + stats.queuedFrames).toBe(64 * 16);
    for (const socket of paused) socket.destroy();
  });

  it('closes a connection that announces an oversized frame, and keeps serving others', async () => {
    const a = await startNode(1, { limits: { frameBytesMax: 4096, queueBytesMax: 8192 } });
    const b = await startNode(2);
    link([a, b]);
    const { socket, reply } = await rawDial(a.address.port, { clusterId: 'test-cluster', from: 3, to: 1 }).catch(() => ({ socket: null, reply: null }));
    expect(reply).toMatchObject({ ok: false }); // node 3 is unknown: add it, then dial as node 3
    socket?.destroy();
    a.network.setPeer(nodeId(3), { host: '127.0.0.1', port: 1 });
    const intruder = await rawDial(a.address.port, { clusterId: 'test-cluster', from: 3, to: 1 });
    expect(intruder.reply).toMatchObject({ ok: true, nodeId: 1 });
    const closed = new Promise<void>((resolve) => intruder.socket.on('close', () => resolve()));
    const header = Buffer.alloc(8);
    header.writeUInt32BE(4097, 0);
    intruder.socket.write(header);
    await closed;
    expect(a.network.stats().peers.get(nodeId(3))!.oversizeFrameCloses).toBe(1);

    // Garbage before any handshake (an HTTP client on the Raft port) is closed too.
    const http = connect({ host: '127.0.0.1', port: a.address.port });
    opened.push({ close: () => http.destroy() });
    await new Promise<void>((resolve) => {
      http.on('connect', () => http.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      http.on('close', () => resolve());
      http.on('error', () => {});
    });

    // Sending an oversized frame drops it and counts it, never throws.
    a.network.send(nodeId(2), new Uint8Array(5000));
    expect(a.network.stats().peers.get(nodeId(2))!.framesDroppedTooLarge).toBe(1);
    b.network.send(nodeId(1), text('still alive'));
    await waitFor(() => a.received.length === 1, 'a frame after the intruder');
    expect(a.received[0]).toEqual({ from: 2, text: 'still alive' });
  });

  it('removePeer drops the peer and refuses its next handshake', async () => {
    const a = await startNode(1);
    const b = await startNode(2);
    link([a, b]);
    b.network.send(nodeId(1), text('hello'));
    await waitFor(() => a.received.length === 1, 'first frame');
    a.network.removePeer(nodeId(2));
    expect(a.network.peers()).toEqual([]);
    await waitFor(() => b.network.stats().peers.get(nodeId(1))!.handshakeFailures >= 1, 'refusal after removal');
    expect(a.received.length).toBe(1);
  });

  it('reports a clear error when the listen port is taken, and rejects bad config', async () => {
    const a = await startNode(1);
    const clash = new TcpNetwork({ nodeId: nodeId(2), clusterId: 'c', listen: a.address, peers: new Map() });
    await expect(clash.listen()).rejects.toThrow(/node 2 cannot listen for peers on 127\.0\.0\.1:\d+: EADDRINUSE/);
    await clash.close();
    expect(() => new TcpNetwork({ nodeId: nodeId(1), clusterId: 'c', listen: a.address, peers: new Map(), limits: { queueBytesMax: 10 } })).toThrow(
      /queueBytesMax must be >= frameBytesMax/,
    );
    expect(() => a.network.setPeer(nodeId(5), { host: '127.0.0.1', port: 70000 })).toThrow(/peer 5: port must be an integer in 1\.\.65535/);
  });
});
