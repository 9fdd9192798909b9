// /v1/kv/{key}: GET (200 raw value, 404 absent), PUT (raw body, 204 once committed and applied),
// DELETE (204), and /v1/kv/{key}/cas: POST {"expected": string|null, "value": string} -> 200 or 409.
import type { IncomingMessage } from 'node:http';
import type { KvResult } from '../../core/kv/commands.ts';
import type { Consistency } from '../../core/node/client-api.ts';
import { byteStringToText, parseJsonObject, readBody, textToByteString } from './body.ts';
import type { KvOutcome, KvPromises } from './kv-promises.ts';
import { badRequest, clientErrorAnswer, errorAnswer, type HttpAnswer } from './respond.ts';
import type { HttpLimits } from './limits.ts';

export interface KvRouteContext {
  readonly kv: KvPromises;
  readonly limits: HttpLimits;
  readonly request: IncomingMessage;
  readonly query: URLSearchParams;
}

const CONSISTENCIES: readonly Consistency[] = ['linearizable', 'lease', 'stale'];

function tooLarge(bytes: number, limits: HttpLimits): HttpAnswer {
  return errorAnswer(413, 'tooLarge', `request body of ${bytes} bytes exceeds bodyBytesMax ${limits.bodyBytesMax}`);
}

/** Runs the outcome through the common failure mapping; `onResult` handles the successful kinds. */
function answerFor(outcome: KvOutcome, onResult: (result: KvResult) => HttpAnswer): HttpAnswer {
  if (!outcome.ok) return clientErrorAnswer(outcome.error);
  if (outcome.result.kind === 'error') return errorAnswer(400, 'invalid', outcome.result.message);
  return onResult(outcome.result);
}

function unexpected(result: KvResult): HttpAnswer {
  return errorAnswer(500, 'internal', `unexpected result kind '${result.kind}' from the state machine`);
}

/** Only `consistency` is a known parameter, and only on GET: a typo should fail loudly, not be ignored. */
function checkQuery(query: URLSearchParams, allowed: readonly string[]): HttpAnswer | null {
  for (const name of query.keys()) {
    if (!allowed.includes(name)) {
      return badRequest(`unknown query parameter '${name}'${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`);
    }
  }
  return null;
}

export async function getKey(context: KvRouteContext, key: string): Promise<HttpAnswer> {
  const problem = checkQuery(context.query, ['consistency']);
  if (problem) return problem;
  const consistency = (context.query.get('consistency') ?? 'linearizable') as Consistency;
  if (!CONSISTENCIES.includes(consistency)) {
    return badRequest(`consistency must be one of ${CONSISTENCIES.join(', ')}, got '${consistency}'`);
  }
  const outcome = await context.kv.read({ op: 'get', key }, { consistency });
  return answerFor(outcome, (result) => {
    if (result.kind !== 'value') return unexpected(result);
    if (result.value === null) return errorAnswer(404, 'notFound', 'no such key');
    return { status: 200, body: Buffer.from(result.value, 'latin1') };
  });
}

export async function putKey(context: KvRouteContext, key: string): Promise<HttpAnswer> {
  const problem = checkQuery(context.query, []);
  if (problem) return problem;
  const body = await readBody(context.request, context.limits.bodyBytesMax);
  if (!body.ok) return tooLarge(body.bytes, context.limits);
  const outcome = await context.kv.write({ op: 'set', key, value: body.bytes.toString('latin1') });
  return answerFor(outcome, (result) => (result.kind === 'ok' ? { status: 204 } : unexpected(result)));
}

export async function deleteKey(context: KvRouteContext, key: string): Promise<HttpAnswer> {
  const problem = checkQuery(context.query, []);
  if (problem) return problem;
  const outcome = await context.kv.write({ op: 'del', keys: [key] });
  return answerFor(outcome, (result) => (result.kind === 'int' ? { status: 204 } : unexpected(result)));
}

type CasBody = { expected: string | null; value: string };

function parseCasBody(bytes: Buffer): CasBody | string {
  const body = parseJsonObject(bytes);
  if (typeof body === 'string') return body;
  if (!('expected' in body)) return "field 'expected' is required (a string, or null for \"absent\")";
  if (body.expected !== null && typeof body.expected !== 'string') return "field 'expected' must be a string or null";
  if (typeof body.value !== 'string') return "field 'value' is required and must be a string";
  const unknown = Object.keys(body).filter((name) => name !== 'expected' && name !== 'value');
  if (unknown.length > 0) return `unknown field '${unknown[0]}' (allowed: expected, value)`;
  return { expected: body.expected === null ? null : textToByteString(body.expected), value: textToByteString(body.value) };
}

/** JSON for a stored value: text when it is UTF-8, plus exact base64 when it is not. */
function currentFields(current: string | null): Record<string, string | null> {
  if (current === null) return { current: null };
  const text = byteStringToText(current);
  if (text !== null) return { current: text };
  const bytes = Buffer.from(current, 'latin1');
  return { current: bytes.toString('utf8'), currentBase64: bytes.toString('base64') };
}

export async function casKey(context: KvRouteContext, key: string): Promise<HttpAnswer> {
  const problem = checkQuery(context.query, []);
  if (problem) return problem;
  const body = await readBody(context.request, context.limits.bodyBytesMax);
  if (!body.ok) return tooLarge(body.bytes, context.limits);
  const cas = parseCasBody(body.bytes);
  if (typeof cas === 'string') return badRequest(cas);
  const outcome = await context.kv.write({ op: 'cas', key, expected: cas.expected, value: cas.value });
  return answerFor(outcome, (result) => {
    if (result.kind === 'ok') return { status: 200, body: { ok: true } };
    if (result.kind === 'casFailed') return { status: 409, body: { ok: false, ...currentFields(result.current) } };
    return unexpected(result);
  });
}
