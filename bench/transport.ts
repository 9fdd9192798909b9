// Throughput of the TCP peer transport between two nodes on 127.0.0.1: frames of a few sizes, sent in
// bursts with a bounded number in flight (so the bounded queue does not drop), as Raft would.
// Run: npx tsx bench/transport.ts
import { nodeId } from '../core/types.ts';
import { TcpNetwork } from '../prod/env/tcp-network.ts';

const burstFrames = 256;
const inflightFramesMax = 8192;
/** Far below the default queueBytesMax (32 MiB), so nothing is dropped. */
const inflightBytesMax = 8 * 1024 * 1024;
const secondsPerCase = 1.5;

async function runCase(frameBytes: number): Promise<void> {
  const a = new TcpNetwork({ nodeId: nodeId(1), clusterId: 'bench', listen: { host: '127.0.0.1', port: 0 }, peers: new Map() });
  const b = new TcpNetwork({ nodeId: nodeId(2), clusterId: 'bench', listen: { host: '127.0.0.1', port: 0 }, peers: new Map() });
  let received = 0;
  b.onReceive(() => received++);
  const addressA = await a.listen();
  const addressB = await b.listen();
  a.setPeer(nodeId(2), addressB);
  b.setPeer(nodeId(1), addressA);
  const frame = new Uint8Array(frameBytes);
  while (!a.stats().peers.get(nodeId(2))!.connected) await new Promise((r) => setTimeout(r, 5));

  let sent = 0;
  const start = performance.now();
  const deadline = start + secondsPerCase * 1000;
  while (performance.now() < deadline) {
    const inflightMax = Math.max(1, Math.min(inflightFramesMax, Math.floor(inflightBytesMax / frameBytes)));
    if (sent - received < inflightMax) {
      const burst = Math.min(burstFrames, inflightMax);
      for (let i = 0; i < burst; i++) a.send(nodeId(2), frame);
      sent += burst;
    }
    await new Promise((r) => setImmediate(r));
  }
  while (received < sent - a.stats().peers.get(nodeId(2))!.framesDroppedQueueFull) await new Promise((r) => setImmediate(r));
  const seconds = (performance.now() - start) / 1000;
  const stats = a.stats().peers.get(nodeId(2))!;
  const mib = (received * frameBytes) / (1024 * 1024);
  console.log(
    `frame ${String(frameBytes).padStart(6)} B: ${Math.round(received / seconds).toLocaleString('en-US').padStart(10)} frames/s, ` +
      `${(mib / seconds).toFixed(1).padStart(7)} MiB/s payload, dropped ${stats.framesDroppedQueueFull}`,
  );
  await a.close();
  await b.close();
}

/** Sequential ping-pong of small frames: the round trip a heartbeat and its response take. */
async function runPingPong(roundTrips: number): Promise<void> {
  const a = new TcpNetwork({ nodeId: nodeId(1), clusterId: 'bench', listen: { host: '127.0.0.1', port: 0 }, peers: new Map() });
  const b = new TcpNetwork({ nodeId: nodeId(2), clusterId: 'bench', listen: { host: '127.0.0.1', port: 0 }, peers: new Map() });
  const addressA = await a.listen();
  const addressB = await b.listen();
  a.setPeer(nodeId(2), addressB);
  b.setPeer(nodeId(1), addressA);
  b.onReceive((from, frame) => b.send(from, frame));
  const samples: number[] = [];
  let pending: (() => void) | null = null;
  a.onReceive(() => pending?.());
  const ping = new Uint8Array(64);
  for (let i = 0; i < roundTrips; i++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      pending = resolve;
      a.send(nodeId(2), ping); // queued until connected on the first round
    });
    samples.push((performance.now() - start) * 1000);
  }
  samples.sort((x, y) => x - y);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(0);
  console.log(`ping-pong 64 B: p50 ${at(0.5)} us, p99 ${at(0.99)} us over ${roundTrips} round trips (first includes connecting)`);
  await a.close();
  await b.close();
}

for (const frameBytes of [64, 1024, 16 * 1024, 256 * 1024]) await runCase(frameBytes);
await runPingPong(2000);
