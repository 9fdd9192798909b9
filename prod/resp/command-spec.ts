// The shape of one RESP command: Redis metadata (arity, flags, key positions, docs) that COMMAND reports
// and the dispatcher checks, and the handler that maps arguments to a reply.
import type { Consistency } from '../../core/node/client-api.ts';
import type { KvPromises } from '../http/kv-promises.ts';
import type { ClusterStatusSource } from '../http/node-services.ts';
import type { RespLimits } from './limits.ts';
import type { RespReply } from './reply.ts';
import type { ScanCursorTable } from './scan-cursors.ts';

/** Per-connection state the commands read and change. */
export interface RespConnectionState {
  readonly id: number;
  /**
   * This connection's way to the node: an ordered session (core/node/session-order.ts), so its
   * commands take effect in the order they were sent, as Redis runs them.
   */
  readonly kv: KvPromises;
  readonly remoteAddress: string;
  readonly connectedAtMs: number;
  name: string | null;
  libName: string | null;
  libVersion: string | null;
  authenticated: boolean;
  /** QUIT: close once this command's reply is written. */
  closeAfterReply: boolean;
}

export interface ConnectionSession {
  readonly kv: KvPromises;
  readonly broken: () => boolean;
}

/** Server-wide facts and services shared by every connection. */
export interface RespServerContext {
  readonly limits: RespLimits;
  /** null: no password, every connection starts authenticated. */
  readonly requirepass: string | null;
  /** A new ordered session for one connection; `broken` turns true once a write's outcome is unknown. */
  readonly openSession: () => ConnectionSession;
  readonly readConsistency: Consistency;
  /** Wall-clock ms: turns EX/PX/EXPIRE into the absolute expireAtMs that goes into the log. */
  readonly wallClockMs: () => number;
  readonly status: ClusterStatusSource | null;
  readonly scanCursors: ScanCursorTable;
  readonly startedAtWallMs: number;
  readonly port: () => number;
  readonly connectionCount: () => number;
}

export interface CommandCall {
  /** As received; args[0] is the command name in the client's case. */
  readonly args: readonly string[];
  readonly connection: RespConnectionState;
  readonly server: RespServerContext;
}

export type CommandHandler = (call: CommandCall) => RespReply | Promise<RespReply>;

export interface CommandSpec {
  /** Lowercase; `container|sub` for subcommands. */
  readonly name: string;
  /** Redis convention: N > 0 exactly N arguments (name included), -N at least N. */
  readonly arity: number;
  readonly flags: readonly string[];
  /** Positions of keys (1-based, 0 = none; lastKey -1 = the last argument) for COMMAND INFO and key limits. */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  readonly group: string;
  readonly summary: string;
  readonly since: string;
  readonly complexity: string;
  /** Allowed before AUTH when a password is set. */
  readonly noAuth?: boolean;
  /** A container (CLIENT, COMMAND): args[1] picks one of these. */
  readonly subcommands?: readonly CommandSpec[];
  /** For containers: what the bare command does, if anything (COMMAND with no subcommand). */
  readonly handler?: CommandHandler;
}

/** Metadata shorthands: most of our commands read or write keys 1..1 or 1..-1. */
export function spec(
  name: string,
  arity: number,
  flags: string,
  keys: readonly [number, number, number],
  docs: { group: string; summary: string; since: string; complexity: string },
  handler?: CommandHandler,
  extra: { noAuth?: boolean; subcommands?: readonly CommandSpec[] } = {},
): CommandSpec {
  const [firstKey, lastKey, keyStep] = keys;
  return { name, arity, flags: flags.split(' ').filter(Boolean), firstKey, lastKey, keyStep, ...docs, handler, ...extra };
}

export function arityAccepts(arity: number, argCount: number): boolean {
  return arity >= 0 ? argCount === arity : argCount >= -arity;
}
