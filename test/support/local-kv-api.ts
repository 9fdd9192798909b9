// A KvClientApi backed directly by core/kv's state machine over the in-memory engine: no Raft, no
// network. Protocol tests (RESP, HTTP) run against it to check the byte-level adapters in isolation.
// Writes go through the real command codec, so validation and byte-string rules are the production ones.
//
// Test knobs: `fail` answers chosen requests with a ClientError, and `delayMs` completes requests
// later (with setTimeout), so tests can make replies finish out of order.
import { encodeCommand } from '../../core/kv/command-codec.ts';
import type { KvRead, KvResult, KvWrite } from '../../core/kv/commands.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { KvStateMachine } from '../../core/kv/state-machine.ts';
import type { ClientCallback, ClientError, KvClientApi, ReadOptions, WriteOptions } from '../../core/node/client-api.ts';
import { KvlabError } from '../../core/types.ts';

export type LocalRequest = { readonly kind: 'write'; readonly write: KvWrite } | { readonly kind: 'read'; readonly read: KvRead };

export interface LocalKvApiOptions {
  /** Wall clock used as the command's atMs and for reads; default Date.now. */
  readonly wallClockMs?: () => number;
  /** A ClientError to answer instead of running the request, or null to run it. */
  readonly fail?: (request: LocalRequest) => ClientError | null;
  /** Milliseconds to wait before answering; 0 or absent answers synchronously. */
  readonly delayMs?: (request: LocalRequest) => number;
}

export class LocalKvApi implements KvClientApi {
  readonly stateMachine = new KvStateMachine({ engine: new MemoryEngine() });
  private nextIndex = 1;
  private nextSeq = 1;
  readonly requests: LocalRequest[] = [];
  /** Bound on the request log so long fuzz runs do not grow memory. */
  private static readonly REQUEST_LOG_MAX = 10_000;

  constructor(private readonly options: LocalKvApiOptions = {}) {}

  write(write: KvWrite, options: WriteOptions, done: ClientCallback): void {
    this.run({ kind: 'write', write }, done, () => this.applyWrite(write, options));
  }

  read(read: KvRead, _options: ReadOptions, done: ClientCallback): void {
    this.run({ kind: 'read', read }, done, () => this.stateMachine.query(read, this.now()));
  }

  private now(): number {
    return (this.options.wallClockMs ?? Date.now)();
  }

  private applyWrite(write: KvWrite, options: WriteOptions): KvResult {
    const session = { clientId: options.clientId ?? 'local', seq: options.seq ?? this.nextSeq++ };
    const command = { session, atMs: Math.max(0, Math.floor(this.now())), write };
    // Encoding validates the command exactly as a node does before proposing it.
    encodeCommand(command);
    return this.stateMachine.applyCommand(this.nextIndex++, command);
  }

  private run(request: LocalRequest, done: ClientCallback, execute: () => KvResult): void {
    if (this.requests.length < LocalKvApi.REQUEST_LOG_MAX) this.requests.push(request);
    const answer = () => {
      const failure = this.options.fail?.(request) ?? null;
      if (failure) return done(failure);
      let result: KvResult;
      try {
        result = execute();
      } catch (error) {
        if (!(error instanceof KvlabError)) throw error;
        return done({ code: 'invalid', message: error.message });
      }
      done(null, result);
    };
    const delayMs = this.options.delayMs?.(request) ?? 0;
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  }
}
