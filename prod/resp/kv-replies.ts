// Runs one KvWrite/KvRead through the node and turns its outcome into a reply: node failures and
// state-machine errors become error replies here, so each command only maps its successful result.
import type { KvRead, KvResult, KvWrite } from '../../core/kv/commands.ts';
import { AssertionFailure } from '../../core/types.ts';
import type { KvOutcome } from '../http/kv-promises.ts';
import type { CommandCall } from './command-spec.ts';
import { clientErrorReply, resultErrorReply } from './errors.ts';
import { bulk, bulkArray, integer, type RespReply } from './reply.ts';

type ResultToReply = (result: KvResult) => RespReply;

export async function runWrite(call: CommandCall, write: KvWrite, toReply: ResultToReply): Promise<RespReply> {
  return replyFor(await call.connection.kv.write(write), toReply);
}

export async function runRead(call: CommandCall, read: KvRead, toReply: ResultToReply): Promise<RespReply> {
  return replyFor(await call.connection.kv.read(read, { consistency: call.server.readConsistency }), toReply);
}

function replyFor(outcome: KvOutcome, toReply: ResultToReply): RespReply {
  if (!outcome.ok) return clientErrorReply(outcome.error);
  if (outcome.result.kind === 'error') return resultErrorReply(outcome.result.message);
  return toReply(outcome.result);
}

/** The state machine answered a kind this command never produces: a bug between core/kv and us. */
export function unexpected(command: string, result: KvResult): never {
  throw new AssertionFailure(`${command}: unexpected result kind '${result.kind}' from the state machine`);
}

export const asValue = (command: string) => (result: KvResult): RespReply =>
  result.kind === 'value' ? bulk(result.value) : unexpected(command, result);

export const asValues = (command: string) => (result: KvResult): RespReply =>
  result.kind === 'values' ? bulkArray(result.values) : unexpected(command, result);

export const asInteger = (command: string) => (result: KvResult): RespReply =>
  result.kind === 'int' ? integer(result.value) : unexpected(command, result);

export const asOk = (command: string) => (result: KvResult): RespReply =>
  result.kind === 'ok' ? { type: 'simple', text: 'OK' } : unexpected(command, result);
