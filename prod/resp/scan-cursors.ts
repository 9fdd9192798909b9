// SCAN cursors as RESP clients expect them: unsigned 64-bit decimals. redis-cli --scan, redis-py and
// go-redis parse the cursor as a number, but the state machine's cursors name the last key examined
// (core/kv/scan-cursor.ts) and do not fit in 64 bits. So the server hands out small numeric ids and
// remembers which state-machine cursor each stands for, in a table bounded by count and bytes that
// forgets the oldest first. A forgotten (or foreign) id is answered "ERR invalid cursor", as Redis does
// for a cursor it cannot use; the client restarts the scan from 0.
import { assert } from '../../core/types.ts';

export interface ScanCursorLimits {
  /** Remembered cursors at most. */
  readonly cursorsMax: number;
  /** Total chars of the remembered state-machine cursors at most (a cursor can hold a 64 KiB key). */
  readonly cursorBytesMax: number;
}

/** "0" starts and ends a scan, in both vocabularies. */
const START = '0';

export class ScanCursorTable {
  private readonly byId = new Map<string, string>();
  private bytes = 0;
  private nextId = 1n;

  constructor(private readonly limits: ScanCursorLimits) {
    assert(limits.cursorsMax >= 1 && limits.cursorBytesMax >= 1, 'scan cursor table limits must be positive');
  }

  get size(): number {
    return this.byId.size;
  }

  /** The numeric cursor to give the client for a state-machine cursor. */
  toClient(kvCursor: string): string {
    if (kvCursor === START) return START;
    const id = String(this.nextId);
    this.nextId += 1n;
    this.byId.set(id, kvCursor);
    this.bytes += kvCursor.length;
    this.evict();
    return id;
  }

  /** The state-machine cursor a client's cursor stands for; undefined when unknown or forgotten. */
  fromClient(clientCursor: string): string | undefined {
    if (clientCursor === START) return START;
    return this.byId.get(clientCursor);
  }

  private evict(): void {
    // Each pass removes one entry; the newest always stays so the reply just given remains usable.
    while (this.byId.size > 1 && (this.byId.size > this.limits.cursorsMax || this.bytes > this.limits.cursorBytesMax)) {
      const [oldestId, oldest] = this.byId.entries().next().value as [string, string];
      this.byId.delete(oldestId);
      this.bytes -= oldest.length;
    }
  }
}
