// Writing answers: JSON bodies, raw bytes, and the error body {"error": code, "message": text} with the
// status each failure maps to:
//   400 invalid input · 401 missing/wrong admin token · 404 no such key or route · 405 wrong method
//   409 CAS expectation failed · 413 body too large · 414 key too large · 500 internal error
//   503 + Retry-After: no leader, overloaded, stopping · 504 timeout (outcome unknown)
import type { ServerResponse } from 'node:http';
import type { ClientError } from '../../core/node/client-api.ts';

export interface HttpAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A Buffer is sent as application/octet-stream, a string as given by headers, anything else as JSON. */
  readonly body?: unknown;
}

export const errorAnswer = (status: number, code: string, message: string, headers?: Record<string, string>): HttpAnswer => ({
  status,
  headers,
  body: { error: code, message },
});

export const badRequest = (message: string): HttpAnswer => errorAnswer(400, 'badRequest', message);

export function clientErrorAnswer(error: ClientError): HttpAnswer {
  switch (error.code) {
    case 'noLeader':
    case 'overloaded':
      return errorAnswer(503, error.code, error.message, { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) });
    case 'stopping':
      return errorAnswer(503, error.code, error.message, { 'Retry-After': '1' });
    case 'timeout':
      return { status: 504, body: { error: 'timeout', message: error.message, outcome: 'unknown' } };
    case 'tooLarge':
      return errorAnswer(413, 'tooLarge', error.message);
    case 'invalid':
      return errorAnswer(400, 'invalid', error.message);
    case 'sessionBroken':
      return errorAnswer(409, 'sessionBroken', error.message);
  }
}

export function send(response: ServerResponse, answer: HttpAnswer, closeAfter = false): void {
  if (response.headersSent || response.destroyed) return;
  let payload: Buffer | undefined;
  let contentType: string | undefined;
  if (Buffer.isBuffer(answer.body)) {
    payload = answer.body;
    contentType = 'application/octet-stream';
  } else if (typeof answer.body === 'string') {
    payload = Buffer.from(answer.body, 'utf8');
    contentType = 'text/plain; charset=utf-8';
  } else if (answer.body !== undefined) {
    payload = Buffer.from(`${JSON.stringify(answer.body)}\n`, 'utf8');
    contentType = 'application/json';
  }
  const headers: Record<string, string | number> = { ...(contentType ? { 'Content-Type': contentType } : {}), ...answer.headers };
  if (payload !== undefined) headers['Content-Length'] = payload.length;
  else if (answer.status !== 204 && answer.status !== 304) headers['Content-Length'] = 0;
  if (closeAfter) headers.Connection = 'close';
  response.writeHead(answer.status, headers);
  response.end(payload);
}
