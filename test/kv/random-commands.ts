// Seeded generators of commands for round-trip, fuzz and determinism tests.
import seedrandom from 'seedrandom';
import type { KvCommand, KvWrite } from '../../core/kv/commands.ts';

export type Rng = () => number;

export const rng = (seed: string | number): Rng => seedrandom(String(seed));

export const intBelow = (r: Rng, n: number): number => Math.floor(r() * n);

export function byteString(r: Rng, lengthMax: number): string {
  const length = intBelow(r, lengthMax + 1);
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(r() < 0.7 ? 97 + intBelow(r, 6) : intBelow(r, 256));
  return s;
}

/** Keys from a small pool so commands collide on the same keys. */
export const poolKey = (r: Rng): string => `k${intBelow(r, 12)}`;

function randomDelta(r: Rng): bigint {
  const pick = intBelow(r, 4);
  if (pick === 0) return BigInt(intBelow(r, 21) - 10);
  if (pick === 1) return (1n << 63n) - 1n - BigInt(intBelow(r, 3));
  if (pick === 2) return -(1n << 63n) + BigInt(intBelow(r, 3));
  return BigInt(Math.floor((r() - 0.5) * 2 ** 53));
}

function randomSet(r: Rng, atMs: number): KvWrite {
  const mode = intBelow(r, 3);
  return {
    op: 'set',
    key: poolKey(r),
    value: byteString(r, 6),
    ...(mode === 1 && { expireAtMs: atMs + intBelow(r, 40) - 5 }),
    ...(mode === 2 && { keepTtl: true }),
    ...(r() < 0.3 && { condition: r() < 0.5 ? ('nx' as const) : ('xx' as const) }),
    ...(r() < 0.3 && { returnPrevious: true }),
  };
}

export function randomWrite(r: Rng, atMs: number): KvWrite {
  const keys = (): string[] => Array.from({ length: 1 + intBelow(r, 4) }, () => poolKey(r));
  switch (intBelow(r, 11)) {
    case 0:
      return randomSet(r, atMs);
    case 1:
      return { op: 'del', keys: keys() };
    case 2:
      return { op: 'cas', key: poolKey(r), expected: r() < 0.3 ? null : byteString(r, 2), value: byteString(r, 4) };
    case 3:
      return { op: 'incrBy', key: poolKey(r), delta: randomDelta(r) };
    case 4:
      return { op: 'append', key: poolKey(r), value: byteString(r, 4) };
    case 5:
      return { op: 'expireAt', key: poolKey(r), atMs: Math.max(0, atMs + intBelow(r, 40) - 10) };
    case 6:
      return { op: 'persist', key: poolKey(r) };
    case 7:
      return { op: 'mset', pairs: keys().map((k) => [k, byteString(r, 5)] as const) };
    case 8:
      return { op: 'getdel', key: poolKey(r) };
    case 9:
      return { op: 'purgeExpired', keys: keys() };
    default:
      return { op: 'set', key: poolKey(r), value: String(intBelow(r, 100)) };
  }
}

export function randomCommand(r: Rng, atMs: number, clientCount = 5): KvCommand {
  return {
    session: { clientId: `client-${intBelow(r, clientCount)}`, seq: 1 + intBelow(r, 1000) },
    atMs,
    write: randomWrite(r, atMs),
  };
}
