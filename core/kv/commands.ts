// The replicated KV command set: what a client may ask, as plain data. Writes go through the Raft log
// (encoded by core/kv/command-codec.ts); reads are answered from the local engine once a ReadIndex
// (or lease) says it is safe. Keys and values are byte strings: JS strings whose chars are 0..255
// (latin1), so RESP and HTTP bodies round-trip any bytes exactly.

/** Identifies a client session so a retried write applies exactly once. */
export interface SessionTag {
  readonly clientId: string;
  /** Increases by one per write of that client; a write with seq <= the last applied one is a retry. */
  readonly seq: number;
}

export type KvWrite =
  | {
      readonly op: 'set';
      readonly key: string;
      readonly value: string;
      /** Absolute expiry (wall ms) fixed when the command is proposed; undefined = no expiry. */
      readonly expireAtMs?: number;
      /** Keep the key's existing expiry (SET ... KEEPTTL). */
      readonly keepTtl?: boolean;
      /** NX: only if absent; XX: only if present. */
      readonly condition?: 'nx' | 'xx';
      /** SET ... GET: answer the previous value. */
      readonly returnPrevious?: boolean;
    }
  | { readonly op: 'del'; readonly keys: readonly string[] }
  | { readonly op: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string }
  | { readonly op: 'incrBy'; readonly key: string; readonly delta: bigint }
  | { readonly op: 'append'; readonly key: string; readonly value: string }
  /** EXPIRE/PEXPIRE converted to an absolute time at proposal. A time in the past deletes the key. */
  | { readonly op: 'expireAt'; readonly key: string; readonly atMs: number }
  | { readonly op: 'persist'; readonly key: string }
  | { readonly op: 'mset'; readonly pairs: readonly (readonly [string, string])[] }
  | { readonly op: 'getdel'; readonly key: string }
  /**
   * Not a client command: the leader proposes it to reclaim keys it saw expired. Every replica deletes
   * those of `keys` that are expired at the command's atMs (others are left alone); answers the count.
   */
  | { readonly op: 'purgeExpired'; readonly keys: readonly string[] };

/** A write as it travels through the log: the session tag and the proposer's wall clock travel with it. */
export interface KvCommand {
  readonly session: SessionTag;
  /** Wall-clock ms at the proposing node: the "now" every replica uses to judge expiry for this command. */
  readonly atMs: number;
  readonly write: KvWrite;
}

export type KvRead =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'mget'; readonly keys: readonly string[] }
  | { readonly op: 'exists'; readonly keys: readonly string[] }
  | { readonly op: 'strlen'; readonly key: string }
  /** Remaining time to live in ms: -2 absent, -1 no expiry. */
  | { readonly op: 'pttl'; readonly key: string }
  | { readonly op: 'scan'; readonly cursor: string; readonly count: number; readonly match?: string }
  | { readonly op: 'dbsize' };

/** What a write or read produced. Deterministic: every replica computes the same result at one index. */
export type KvResult =
  | { readonly kind: 'ok' }
  /** A single value, or null when absent. */
  | { readonly kind: 'value'; readonly value: string | null }
  | { readonly kind: 'values'; readonly values: readonly (string | null)[] }
  | { readonly kind: 'int'; readonly value: bigint }
  /** SET NX/XX whose condition did not hold. */
  | { readonly kind: 'notApplied'; readonly previous?: string | null }
  | { readonly kind: 'casFailed'; readonly current: string | null }
  | { readonly kind: 'scan'; readonly cursor: string; readonly keys: readonly string[] }
  /** A command that is valid to log but fails on the data (INCR of a non-integer): applied as a no-op. */
  | { readonly kind: 'error'; readonly message: string };
