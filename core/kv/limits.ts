// Named bounds of the replicated KV state machine. They are part of the replicated semantics (an
// APPEND past valueBytesMax fails on every replica alike), so every node of a cluster must run with
// the same values: they are constants, not per-node configuration.

/** Longest key, in bytes (chars 0..255). */
export const keyBytesMax = 64 * 1024;
/** Longest value, in bytes; also bounds the result of APPEND. */
export const valueBytesMax = 16 * 1024 * 1024;
/** Longest client id of a session tag, in bytes. */
export const clientIdBytesMax = 256;
/** Most keys (DEL, MGET, EXISTS, purgeExpired) or pairs (MSET) in one command. */
export const keysPerCommandMax = 10_000;
/** Largest COUNT of one SCAN call: keys examined per call. */
export const scanCountMax = 10_000;
/** Longest SCAN MATCH pattern, in chars. */
export const matchPatternCharsMax = 4096;
/** Default bound of the client-session table (exactly-once); see sessions.ts. */
export const sessionsMaxDefault = 10_000;
/** Engine mutations collected before a run of entries is written as one batch (cut at an entry boundary). */
export const batchMutationsMax = 4096;
/** Encoded size of one command: a key plus a maximal value plus framing, with room for MSET of many small pairs. */
export const commandBytesMax = 64 * 1024 * 1024;
