// Opening the LevelDB database and reading back what the engine keeps in memory: the key index, the
// sessions and the applied index. LevelDB replays its own log on open, so what is read here is the
// state after the last batch that reached its log, each batch whole or absent.
import { ClassicLevel } from 'classic-level';
import type { SessionRecord } from '../../core/kv/engine.ts';
import { KvlabError } from '../../core/types.ts';
import { appliedKey, dataRange, decodeIndex, decodeSession, LEVEL_FORMAT_VERSION, sessionRange, userKeyOf, versionKey } from './level-format.ts';

/** Keys fetched per iterator step while loading. */
const LOAD_BATCH_KEYS = 1024;

export interface LoadedLevelState {
  readonly appliedIndex: number;
  readonly keys: readonly string[];
  readonly sessions: readonly SessionRecord[];
}

export async function openLevel(dir: string, cacheBytes = 8 * 1024 * 1024): Promise<ClassicLevel<Buffer, Buffer>> {
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer', cacheSize: cacheBytes });
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new KvlabError('engineOpenFailed', `cannot open the LevelDB engine in ${dir}: ${cause}`);
  }
  return db;
}

export async function loadLevelState(db: ClassicLevel<Buffer, Buffer>): Promise<LoadedLevelState> {
  await checkVersion(db);
  const appliedIndex = decodeIndex(await db.get(appliedKey));
  const keys: string[] = [];
  const keyIterator = db.keys({ ...dataRange, keyEncoding: 'buffer' });
  try {
    for (let batch = await keyIterator.nextv(LOAD_BATCH_KEYS); batch.length > 0; batch = await keyIterator.nextv(LOAD_BATCH_KEYS)) {
      for (const key of batch) keys.push(userKeyOf(key));
    }
  } finally {
    await keyIterator.close();
  }
  const sessions: SessionRecord[] = [];
  const sessionIterator = db.values({ ...sessionRange, valueEncoding: 'buffer' });
  try {
    for (let batch = await sessionIterator.nextv(LOAD_BATCH_KEYS); batch.length > 0; batch = await sessionIterator.nextv(LOAD_BATCH_KEYS)) {
      for (const value of batch) sessions.push(decodeSession(value));
    }
  } finally {
    await sessionIterator.close();
  }
  return { appliedIndex, keys, sessions };
}

/** A fresh database gets the current version, synced; another version is refused with a clear error. */
async function checkVersion(db: ClassicLevel<Buffer, Buffer>): Promise<void> {
  const stored = await db.get(versionKey);
  if (stored === undefined) {
    // The synced write also makes whatever LevelDB recovered from its log durable before we report it.
    await db.put(versionKey, Buffer.from([LEVEL_FORMAT_VERSION]), { sync: true });
    return;
  }
  if (stored.length !== 1 || stored[0] !== LEVEL_FORMAT_VERSION) {
    throw new KvlabError('engineVersion', `LevelDB engine in ${db.location} has format version ${stored[0]}, this kvlab reads version ${LEVEL_FORMAT_VERSION}`);
  }
}
