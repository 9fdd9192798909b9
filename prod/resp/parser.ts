// An incremental RESP2 request parser. Bytes arrive in arbitrary TCP chunks (push); complete commands
// are pulled one at a time (next), so the connection decides how far ahead of its replies it parses:
// that is how pipelining gets backpressure, and why AUTH changes the limits for the very next command.
//
// Two request forms, as in Redis: multibulk arrays of bulk strings (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`,
// what every client library sends) and inline lines (`GET k\r\n`, what telnet sends). Arguments come out
// as latin1 byte strings. A protocol error is final: the parser reports it once and the connection
// answers it and closes, because the stream can no longer be framed.
import { assert } from '../../core/types.ts';
import { splitInlineArgs } from './inline-args.ts';
import { parseInt64 } from './redis-int.ts';

export interface RespParserLimits {
  readonly bulkBytesMax: number;
  readonly argsMax: number;
  readonly commandBytesMax: number;
  readonly inlineBytesMax: number;
  /** Names of the configured limits behind bulkBytesMax and argsMax, for error messages. */
  readonly bulkBytesMaxName?: string;
  readonly argsMaxName?: string;
}

export type ParsedRequest =
  | { readonly kind: 'command'; readonly args: string[] }
  | { readonly kind: 'protocolError'; readonly message: string };

/** "*" or "$" plus an int64 is at most 21 bytes; a longer count line is garbage, not a slow client. */
const COUNT_LINE_BYTES_MAX = 32;
const STAR = 0x2a;
const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

export class RespParser {
  /** Unparsed bytes are buffer[offset..] followed by the chunks not yet merged into it. */
  private buffer: Buffer = EMPTY;
  private offset = 0;
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private failed = false;
  /** Multibulk in progress: elements announced (-1: none), collected so far, their total bytes. */
  private argsExpected = -1;
  private args: string[] = [];
  private argBytes = 0;
  /** Length of the bulk string whose body we wait for; -1 while expecting its `$` header. */
  private bulkLength = -1;

  constructor(private limits: RespParserLimits) {}

  /** Limits apply from the next element parsed (AUTH lifts the unauthenticated ones). */
  setLimits(limits: RespParserLimits): void {
    this.limits = limits;
  }

  push(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
  }

  bufferedBytes(): number {
    return this.buffer.length - this.offset + this.chunkBytes;
  }

  /** The next complete request, or undefined when more bytes are needed (or after a protocol error). */
  next(): ParsedRequest | undefined {
    // Each pass consumes bytes or returns, so the loop ends; empty commands (`*0`, blank lines) loop.
    while (!this.failed) {
      const step = this.argsExpected < 0 ? this.startRequest() : this.continueMultibulk();
      if (step !== 'progress') return step;
    }
    return undefined;
  }

  private startRequest(): ParsedRequest | undefined | 'progress' {
    if (!this.ensureContiguous(1)) return undefined;
    return this.buffer[this.offset] === STAR ? this.readMultibulkHeader() : this.readInline();
  }

  private readMultibulkHeader(): ParsedRequest | undefined | 'progress' {
    const line = this.readCountLine('too big mbulk count string');
    if (line === undefined || typeof line !== 'string') return line;
    const count = parseInt64(line.slice(1));
    if (count === null) return this.fail('Protocol error: invalid multibulk length');
    if (count > BigInt(this.limits.argsMax)) {
      return this.fail(`Protocol error: multibulk length ${count} exceeds ${this.limits.argsMaxName ?? 'argsMax'} ${this.limits.argsMax}`);
    }
    if (count > 0n) {
      this.argsExpected = Number(count);
      this.args = [];
      this.argBytes = 0;
      this.bulkLength = -1;
    }
    return 'progress';
  }

  private continueMultibulk(): ParsedRequest | undefined | 'progress' {
    if (this.bulkLength < 0) {
      const header = this.readBulkHeader();
      if (header !== 'progress') return header;
    }
    const total = this.bulkLength + 2;
    if (!this.ensureContiguous(total)) return undefined;
    const end = this.offset + this.bulkLength;
    if (this.buffer[end] !== CR || this.buffer[end + 1] !== LF) {
      return this.fail('Protocol error: expected CRLF after bulk string');
    }
    this.args.push(this.buffer.toString('latin1', this.offset, end));
    this.consume(total);
    this.bulkLength = -1;
    if (this.args.length < this.argsExpected) return 'progress';
    const args = this.args;
    this.argsExpected = -1;
    this.args = [];
    return { kind: 'command', args };
  }

  private readBulkHeader(): ParsedRequest | undefined | 'progress' {
    if (!this.ensureContiguous(1)) return undefined;
    const first = this.buffer[this.offset];
    if (first !== DOLLAR) {
      return this.fail(`Protocol error: expected '$', got '${String.fromCharCode(first)}'`);
    }
    const line = this.readCountLine('too big bulk count string');
    if (line === undefined || typeof line !== 'string') return line;
    const length = parseInt64(line.slice(1));
    if (length === null || length < 0n) return this.fail('Protocol error: invalid bulk length');
    if (length > BigInt(this.limits.bulkBytesMax)) {
      return this.fail(`Protocol error: bulk length ${length} exceeds ${this.limits.bulkBytesMaxName ?? 'bulkBytesMax'} ${this.limits.bulkBytesMax}`);
    }
    const argBytes = this.argBytes + Number(length);
    if (argBytes > this.limits.commandBytesMax) {
      return this.fail(`Protocol error: command of ${argBytes}+ bytes exceeds commandBytesMax ${this.limits.commandBytesMax}`);
    }
    this.argBytes = argBytes;
    this.bulkLength = Number(length);
    return 'progress';
  }

  /** A `*N` or `$N` line without its CRLF, consumed; undefined when incomplete. */
  private readCountLine(tooLongMessage: string): string | undefined | ParsedRequest {
    const lineEnd = this.findByte(CR, COUNT_LINE_BYTES_MAX);
    if (lineEnd < 0) {
      return this.bufferedBytes() > COUNT_LINE_BYTES_MAX ? this.fail(`Protocol error: ${tooLongMessage}`) : undefined;
    }
    // Measured from the offset: making the LF contiguous may merge chunks and move the buffer.
    const lineBytes = lineEnd - this.offset;
    if (!this.ensureContiguous(lineBytes + 2)) return undefined;
    if (this.buffer[this.offset + lineBytes + 1] !== LF) return this.fail('Protocol error: expected CRLF after count');
    const line = this.buffer.toString('latin1', this.offset, this.offset + lineBytes);
    this.consume(lineBytes + 2);
    return line;
  }

  private readInline(): ParsedRequest | undefined | 'progress' {
    // The line may be inlineBytesMax bytes plus its CR LF.
    const lineEnd = this.findByte(LF, this.limits.inlineBytesMax + 2);
    if (lineEnd < 0) {
      return this.bufferedBytes() > this.limits.inlineBytesMax + 1
        ? this.fail(`Protocol error: too big inline request (inlineBytesMax ${this.limits.inlineBytesMax})`)
        : undefined;
    }
    const contentEnd = lineEnd > this.offset && this.buffer[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    const line = this.buffer.toString('latin1', this.offset, contentEnd);
    this.consume(lineEnd + 1 - this.offset);
    const args = splitInlineArgs(line);
    if (args === null) return this.fail('Protocol error: unbalanced quotes in request');
    if (args.length > this.limits.argsMax) {
      return this.fail(`Protocol error: ${args.length} arguments exceed ${this.limits.argsMaxName ?? 'argsMax'} ${this.limits.argsMax}`);
    }
    return args.length === 0 ? 'progress' : { kind: 'command', args };
  }

  /**
   * Index in `buffer` of the first `byte` within `limit` bytes of the offset, or -1. Merges pending
   * chunks only as far as needed, so a slowly arriving line costs at most `limit` bytes per search.
   */
  private findByte(byte: number, limit: number): number {
    const searchEnd = () => Math.min(this.buffer.length, this.offset + limit);
    let found = this.buffer.subarray(this.offset, searchEnd()).indexOf(byte);
    if (found < 0 && this.chunkBytes > 0 && this.buffer.length - this.offset < limit) {
      this.mergeChunks();
      found = this.buffer.subarray(this.offset, searchEnd()).indexOf(byte);
    }
    return found < 0 ? -1 : this.offset + found;
  }

  /** Makes `bytes` unparsed bytes contiguous in `buffer`; false when fewer have arrived. */
  private ensureContiguous(bytes: number): boolean {
    if (this.buffer.length - this.offset >= bytes) return true;
    if (this.bufferedBytes() < bytes) return false;
    this.mergeChunks();
    return true;
  }

  /** One concatenation for however many chunks a large bulk string arrived in: linear, not quadratic. */
  private mergeChunks(): void {
    this.buffer = Buffer.concat([this.buffer.subarray(this.offset), ...this.chunks]);
    this.offset = 0;
    this.chunks = [];
    this.chunkBytes = 0;
  }

  private consume(bytes: number): void {
    assert(this.offset + bytes <= this.buffer.length, 'parser consumed beyond its contiguous buffer');
    this.offset += bytes;
    if (this.offset === this.buffer.length) {
      this.buffer = EMPTY;
      this.offset = 0;
    }
  }

  private fail(message: string): ParsedRequest {
    this.failed = true;
    this.buffer = EMPTY;
    this.offset = 0;
    this.chunks = [];
    this.chunkBytes = 0;
    return { kind: 'protocolError', message };
  }
}
