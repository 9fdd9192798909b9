// A configuration change carries two things in its context: the id of the request waiting for it
// (so the proposing node can answer its caller once it applies) and the caller's own context (e.g. the
// new member's addresses), which every node hands to its host when the change applies.
// Layout: varint length of the request id, the id (UTF-8), then the caller's bytes.
import { KvlabError } from '../types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Request ids are short; a longer length prefix means the context was not made here. */
const requestIdBytesMax = 256;

export function wrapConfContext(requestId: string, callerContext: Uint8Array | undefined): Uint8Array {
  const id = encoder.encode(requestId);
  if (id.length > requestIdBytesMax) throw new KvlabError('invalid', `conf change request id longer than ${requestIdBytesMax} bytes`);
  const caller = callerContext ?? new Uint8Array(0);
  const out = new Uint8Array(2 + id.length + caller.length);
  out[0] = id.length & 0xff;
  out[1] = id.length >> 8;
  out.set(id, 2);
  out.set(caller, 2 + id.length);
  return out;
}

/** Splits a context made by wrapConfContext; a context from elsewhere is all caller bytes. */
export function unwrapConfContext(context: Uint8Array | undefined): { requestId: string | undefined; callerContext: Uint8Array } {
  if (!context || context.length < 2) return { requestId: undefined, callerContext: context ?? new Uint8Array(0) };
  const length = context[0] | (context[1] << 8);
  if (length > requestIdBytesMax || 2 + length > context.length) return { requestId: undefined, callerContext: context };
  return { requestId: decoder.decode(context.subarray(2, 2 + length)), callerContext: context.subarray(2 + length) };
}
