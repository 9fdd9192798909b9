// Child process for the engine crash test: writes batches forever to a LevelEngine and prints each new
// durableAppliedIndex; the parent SIGKILLs it at some point and then checks what reopens.
// Batch i (applied index i) sets "counter" = i and "k<i % 7>" = "v<i>" and deletes "k<(i + 3) % 7>",
// so a state whose counter differs from its applied index, or whose k-keys do not match the counter,
// means a batch was torn.
import { LevelEngine } from '../../../prod/engine/level-engine.ts';

const dir = process.argv[2];
const engine = await LevelEngine.open(dir);
let index = engine.appliedIndex();
let reported = engine.durableAppliedIndex();
process.stdout.write(`start ${index}\n`);
for (;;) {
  index += 1;
  engine.write(
    [
      { kind: 'put', key: 'counter', record: { value: String(index) } },
      { kind: 'put', key: `k${index % 7}`, record: { value: `v${index}`, expireAtMs: 1_000_000 + index } },
      { kind: 'delete', key: `k${(index + 3) % 7}` },
      { kind: 'putSession', session: { clientId: 'c1', lastSeq: index, lastIndex: index, lastResult: { kind: 'ok' } } },
    ],
    index,
  );
  if (index % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  if (engine.durableAppliedIndex() !== reported) {
    reported = engine.durableAppliedIndex();
    process.stdout.write(`durable ${reported}\n`);
  }
}
