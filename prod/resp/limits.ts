// Every per-connection and per-server bound of the RESP server, by name. Exceeding one answers an error
// reply (and closes the connection where Redis would); none of them may crash the node.
import { KvlabError } from '../../core/types.ts';

export interface RespLimits {
  /** Bytes of one bulk string argument (a value). Redis allows 512 MiB; our Raft entries are smaller. */
  readonly bulkBytesMax: number;
  /** Bytes of one key (checked per command, after parsing). */
  readonly keyBytesMax: number;
  /** Elements of one multibulk array (arguments of one command, command name included). */
  readonly argsMax: number;
  /** Sum of the argument bytes of one command (MSET of many large values). */
  readonly commandBytesMax: number;
  /** Bytes of one inline command line (redis-cli and telnet send these). */
  readonly inlineBytesMax: number;
  /** Commands of one connection dispatched but not yet answered; beyond it we stop reading the socket. */
  readonly pipelineDepthMax: number;
  /** Reply bytes queued on a socket that the client has not read yet; beyond it we stop reading requests. */
  readonly outputBytesSoftMax: number;
  /** Beyond this many queued reply bytes the client is disconnected (it pipelines without reading). */
  readonly outputBytesHardMax: number;
  /** Open client connections; the next one is answered `-ERR max number of clients reached`. */
  readonly connectionsMax: number;
  /** Close a connection silent for this long; 0 = never (like Redis's default `timeout 0`). */
  readonly idleTimeoutMs: number;
  /** Before AUTH (when a password is set) clients may only send tiny commands, as in Redis. */
  readonly unauthenticatedArgsMax: number;
  readonly unauthenticatedBulkBytesMax: number;
  /** Keys examined by one SCAN call at most, whatever COUNT asks. */
  readonly scanCountMax: number;
  /** SCAN cursors the server remembers (see scan-cursors.ts), by count and by total bytes. */
  readonly scanCursorsMax: number;
  readonly scanCursorBytesMax: number;
}

const MiB = 1024 * 1024;

export const defaultRespLimits: RespLimits = {
  bulkBytesMax: 8 * MiB,
  keyBytesMax: 64 * 1024,
  argsMax: 64 * 1024,
  commandBytesMax: 32 * MiB,
  inlineBytesMax: 64 * 1024,
  pipelineDepthMax: 1024,
  outputBytesSoftMax: 16 * MiB,
  outputBytesHardMax: 256 * MiB,
  connectionsMax: 10_000,
  idleTimeoutMs: 0,
  unauthenticatedArgsMax: 10,
  unauthenticatedBulkBytesMax: 16 * 1024,
  scanCountMax: 10_000,
  scanCursorsMax: 100_000,
  scanCursorBytesMax: 32 * MiB,
};

/** Defaults overridden by `overrides`; throws a KvlabError naming the first bad field. */
export function resolveRespLimits(overrides: Partial<RespLimits> = {}): RespLimits {
  const limits: RespLimits = { ...defaultRespLimits, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    const zeroAllowed = name === 'idleTimeoutMs';
    if (!Number.isSafeInteger(value) || value < (zeroAllowed ? 0 : 1)) {
      throw new KvlabError('invalidConfig', `resp limit ${name} must be an integer >= ${zeroAllowed ? 0 : 1}, got ${value}`);
    }
  }
  if (limits.keyBytesMax > limits.bulkBytesMax) {
    throw new KvlabError('invalidConfig', `resp limit keyBytesMax (${limits.keyBytesMax}) exceeds bulkBytesMax (${limits.bulkBytesMax})`);
  }
  if (limits.outputBytesSoftMax > limits.outputBytesHardMax) {
    const { outputBytesSoftMax: soft, outputBytesHardMax: hard } = limits;
    throw new KvlabError('invalidConfig', `resp limit outputBytesSoftMax (${soft}) exceeds outputBytesHardMax (${hard})`);
  }
  return limits;
}
