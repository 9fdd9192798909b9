// One client connection: bytes in, commands dispatched in arrival order, replies out in the same order
// even though writes complete asynchronously (a slot per command, flushed from the head). Commands
// reach the node through the connection's own ordered session (core/node/session-order.ts), so they
// also take effect in arrival order: a pipelined SET k v + GET k reads v. When a write's outcome is
// unknown (TIMEOUT) the session cannot order later commands after it: the commands already read answer
// an error without running, and the connection closes once their replies are written, so the client
// reconnects with a fresh session (commands it sent after them are never read).
//
// Backpressure instead of unbounded buffers: we stop reading the socket while pipelineDepthMax commands
// await their replies or while outputBytesSoftMax reply bytes wait to be written or read, and we resume
// when both drop. Reply bytes queued past outputBytesHardMax (finished replies not yet written plus the
// socket's unsent bytes) disconnect the client, as Redis's client-output-buffer-limit does: a pipeline
// of GETs of large values cannot make the node hold gigabytes.
import type { Socket } from 'node:net';
import type { RequestMetrics, RequestOutcome } from '../metrics/request-metrics.ts';
import type { CommandTable, Dispatched } from './command-table.ts';
import type { ConnectionSession, RespConnectionState, RespServerContext } from './command-spec.ts';
import type { RespLimits } from './limits.ts';
import { RespParser, type RespParserLimits } from './parser.ts';
import { encodeReply, errorReply, type RespReply } from './reply.ts';

export interface ConnectionServices {
  readonly table: CommandTable;
  readonly server: RespServerContext;
  readonly metrics: RequestMetrics;
  readonly monotonicMs: () => number;
  /** A handler threw (a bug): the client got `-ERR internal error`, the server keeps running. */
  readonly onInternalError: (error: unknown, command: string) => void;
}

/** Replies are batched into socket writes of about this size (one huge string could exceed V8's limit). */
const WRITE_BYTES_MAX = 1024 * 1024;

interface ReplySlot {
  encoded: string | null;
  closeAfter: boolean;
}

function parserLimits(limits: RespLimits, authenticated: boolean): RespParserLimits {
  const common = { commandBytesMax: limits.commandBytesMax, inlineBytesMax: limits.inlineBytesMax };
  if (authenticated) return { ...common, bulkBytesMax: limits.bulkBytesMax, argsMax: limits.argsMax };
  return {
    ...common,
    bulkBytesMax: Math.min(limits.bulkBytesMax, limits.unauthenticatedBulkBytesMax),
    argsMax: Math.min(limits.argsMax, limits.unauthenticatedArgsMax),
    bulkBytesMaxName: 'unauthenticatedBulkBytesMax',
    argsMaxName: 'unauthenticatedArgsMax',
  };
}

function outcomeOf(reply: RespReply): RequestOutcome {
  if (reply.type !== 'error') return 'ok';
  if (reply.text.startsWith('CLUSTERDOWN') || reply.text.startsWith('TRYAGAIN')) return 'unavailable';
  return reply.text.startsWith('TIMEOUT') ? 'timeout' : 'error';
}

export class RespConnection {
  readonly state: RespConnectionState;
  private readonly session: ConnectionSession;
  private readonly parser: RespParser;
  /** Commands dispatched and not yet written, oldest first; at most pipelineDepthMax (+1 protocol error). */
  private readonly slots: ReplySlot[] = [];
  /** Bytes of the encoded replies in `slots`. */
  private encodedBytes = 0;
  /** No more requests will be read: QUIT, a protocol error, or the socket closed. */
  private stopped = false;
  private closed = false;
  private paused = false;

  constructor(
    private readonly socket: Socket,
    id: number,
    private readonly services: ConnectionServices,
  ) {
    const { server } = services;
    this.session = server.openSession();
    this.state = {
      id,
      kv: this.session.kv,
      remoteAddress: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      connectedAtMs: server.wallClockMs(),
      name: null,
      libName: null,
      libVersion: null,
      authenticated: server.requirepass === null,
      closeAfterReply: false,
    };
    this.parser = new RespParser(parserLimits(server.limits, this.state.authenticated));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.parser.push(chunk);
      this.pump();
    });
    socket.on('drain', () => this.pump());
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.closed = true;
      this.stopped = true;
    });
    if (server.limits.idleTimeoutMs > 0) {
      socket.setTimeout(server.limits.idleTimeoutMs, () => {
        if (this.slots.length === 0) this.destroy();
      });
    }
  }

  destroy(): void {
    this.closed = true;
    this.stopped = true;
    this.socket.destroy();
  }

  /**
   * Dispatches buffered requests while the limits allow, writes finished replies, adjusts reading.
   * Never throws: it runs from socket events and promise callbacks, where a throw would take the
   * process down; a bug here costs this connection only.
   */
  private pump(): void {
    if (this.closed) return;
    try {
      // Flush first: finished replies free their slots, so a full pipeline can take more commands.
      // Each pass dispatches at least one command or stops, and the last action is always a flush.
      for (;;) {
        this.flush();
        if (this.closed || this.dispatchBuffered() === 0) break;
      }
      this.adjustReading();
    } catch (error) {
      this.services.onInternalError(error, 'connection');
      this.destroy();
    }
  }

  /** Reply bytes held for this client: encoded but unwritten, plus written but unsent. */
  private outputBytes(): number {
    return this.encodedBytes + this.socket.writableLength;
  }

  private canDispatch(): boolean {
    const { limits } = this.services.server;
    return !this.stopped && this.slots.length < limits.pipelineDepthMax && this.outputBytes() < limits.outputBytesSoftMax;
  }

  private dispatchBuffered(): number {
    let dispatched = 0;
    while (this.canDispatch()) {
      const request = this.parser.next();
      if (request === undefined) break;
      dispatched += 1;
      if (request.kind === 'protocolError') {
        this.slots.push({ encoded: encodeReply(errorReply(`ERR ${request.message}`)), closeAfter: true });
        this.stopped = true;
      } else {
        this.execute(request.args);
      }
    }
    return dispatched;
  }

  private execute(args: string[]): void {
    const slot: ReplySlot = { encoded: null, closeAfter: false };
    this.slots.push(slot);
    const startedMs = this.services.monotonicMs();
    const wasAuthenticated = this.state.authenticated;
    let dispatched: Dispatched;
    try {
      dispatched = this.services.table.dispatch({ args, connection: this.state, server: this.services.server });
    } catch (error) {
      dispatched = { command: 'internal', reply: this.internalError(error, args[0]) };
    }
    if (this.state.closeAfterReply) {
      slot.closeAfter = true;
      this.stopped = true;
    }
    if (this.state.authenticated !== wasAuthenticated) {
      this.parser.setLimits(parserLimits(this.services.server.limits, this.state.authenticated));
    }
    const finish = (reply: RespReply) => {
      if (this.session.broken()) this.closeAfterDispatched();
      slot.encoded = this.encode(reply, dispatched.command);
      this.encodedBytes += slot.encoded.length;
      const seconds = (this.services.monotonicMs() - startedMs) / 1000;
      this.services.metrics.observe('resp', dispatched.command, outcomeOf(reply), seconds);
      if (this.outputBytes() > this.services.server.limits.outputBytesHardMax) this.destroy();
    };
    const { reply } = dispatched;
    if (!(reply instanceof Promise)) {
      finish(reply);
      return;
    }
    reply
      .then(finish, (error: unknown) => finish(this.internalError(error, dispatched.command)))
      .catch((error: unknown) => {
        this.services.onInternalError(error, dispatched.command);
        this.destroy();
      })
      .then(() => this.pump());
  }

  /** Reads no more commands, and closes once every command already read has its reply written. */
  private closeAfterDispatched(): void {
    if (this.stopped) return;
    this.stopped = true;
    const last = this.slots.at(-1);
    if (last) last.closeAfter = true;
  }

  private encode(reply: RespReply, command: string): string {
    try {
      return encodeReply(reply);
    } catch (error) {
      return encodeReply(this.internalError(error, command));
    }
  }

  private internalError(error: unknown, command: string): RespReply {
    this.services.onInternalError(error, command);
    const message = error instanceof Error ? error.message : String(error);
    return errorReply(`ERR internal error: ${message}`);
  }

  /** Writes the finished replies at the head of the queue, in socket writes of about WRITE_BYTES_MAX. */
  private flush(): void {
    let out = '';
    let closeAfter = false;
    while (!this.closed && this.slots.length > 0 && this.slots[0].encoded !== null) {
      const slot = this.slots.shift()!;
      out += slot.encoded;
      this.encodedBytes -= slot.encoded!.length;
      closeAfter = slot.closeAfter;
      if (closeAfter || out.length >= WRITE_BYTES_MAX) {
        this.write(out);
        out = '';
      }
      if (closeAfter) break;
    }
    this.write(out);
    if (closeAfter) {
      this.stopped = true;
      this.slots.length = 0;
      this.encodedBytes = 0;
      this.socket.end();
    } else if (this.outputBytes() > this.services.server.limits.outputBytesHardMax) {
      this.destroy();
    }
  }

  private write(text: string): void {
    if (text.length > 0 && !this.closed) this.socket.write(Buffer.from(text, 'latin1'));
  }

  private adjustReading(): void {
    if (this.closed) return;
    const { limits } = this.services.server;
    const wantsMore = !this.stopped && this.slots.length < limits.pipelineDepthMax && this.outputBytes() < limits.outputBytesSoftMax;
    if (wantsMore && this.paused) {
      this.paused = false;
      this.socket.resume();
    } else if (!wantsMore && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }
}
