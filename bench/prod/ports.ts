// Free ports on 127.0.0.1 for the benchmark's clusters. Other people's tests run on this machine too,
// so instead of fixed ports we try random bases until every port a cluster needs can be bound.
import { createServer } from 'node:net';

const HOST = '127.0.0.1';
const basePortMin = 20_000;
// Below Linux's ephemeral range (32768+), where outgoing connections may take a port between our check and the bind.
const basePortMax = 32_000;
const attemptsMax = 50;

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A base port P such that P + offset is free for every offset. `preferred` (from --base-port) is
 * checked first and is an error if taken, so a user who picks ports learns why the run did not start.
 */
export async function freeBasePort(offsets: readonly number[], preferred?: number): Promise<number> {
  const allFree = async (base: number) => {
    for (const offset of offsets) if (!(await canBind(base + offset))) return false;
    return true;
  };
  if (preferred !== undefined) {
    if (await allFree(preferred)) return preferred;
    throw new Error(`--base-port ${preferred}: one of ports ${offsets.map((o) => preferred + o).join(', ')} is in use`);
  }
  const span = Math.max(...offsets) + 1;
  for (let attempt = 0; attempt < attemptsMax; attempt++) {
    const base = basePortMin + Math.floor(Math.random() * (basePortMax - basePortMin - span));
    if (await allFree(base)) return base;
  }
  throw new Error(`no free set of ports (offsets ${offsets.join(', ')}) found in ${attemptsMax} attempts`);
}
