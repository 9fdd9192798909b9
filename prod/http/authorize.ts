// Who may use an HTTP route: each protected door has its own secret (the data API: requirepass, as
// RESP's AUTH; membership: adminToken; /metrics and /dashboard: monitorToken). A request presents it as
// `Authorization: Bearer <secret>`, or as HTTP Basic with the password (`curl -u default:<secret>`; the
// user is Redis's `default`, or empty). Secrets are compared in constant time: both sides are hashed
// first, so neither their content nor their length shows in the time taken.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { errorAnswer, type HttpAnswer } from './respond.ts';

/** The user names HTTP Basic may carry: Redis's only user, or none (`curl -u :secret`). */
const BASIC_USERS: ReadonlySet<string> = new Set(['', 'default']);

const digest = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();

/** True when `given` (raw bytes) equals the configured secret's UTF-8 bytes; constant time. */
export function secretMatches(given: Buffer, secret: string): boolean {
  return timingSafeEqual(digest(given), digest(Buffer.from(secret, 'utf8')));
}

/** The secret a request presents, as raw bytes, or why it presents none that could match. */
function presented(header: string | undefined): Buffer | string {
  if (header === undefined || header === '') return 'no Authorization header';
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : header.slice(space + 1).trim();
  // Node hands header values over as latin1 text: one char per byte, so this gets the bytes back.
  if (scheme === 'bearer') return Buffer.from(rest, 'latin1');
  if (scheme !== 'basic') return `unsupported Authorization scheme '${scheme.slice(0, 20)}' (use Bearer or Basic)`;
  const decoded = Buffer.from(rest, 'base64');
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return 'Basic credentials must be user:password';
  const user = decoded.subarray(0, colon).toString('latin1');
  if (!BASIC_USERS.has(user)) return `unknown user '${user.slice(0, 40)}' (kvlab has one user, 'default')`;
  return decoded.subarray(colon + 1);
}

/**
 * null when the request may pass (no secret configured, or the right one presented); otherwise the
 * 401 to answer, naming the door and the setting, never the secret.
 */
export function authorize(request: IncomingMessage, secret: string | null, door: string, setting: string): HttpAnswer | null {
  if (secret === null) return null;
  const given = presented(request.headers.authorization);
  if (typeof given !== 'string' && secretMatches(given, secret)) return null;
  const why = typeof given === 'string' ? given : 'wrong credentials';
  return errorAnswer(401, 'unauthorized', `${door} needs Authorization: Bearer <${setting}> (or Basic with user 'default' and password <${setting}>): ${why}`, {
    'WWW-Authenticate': 'Basic realm="kvlab", charset="UTF-8", Bearer realm="kvlab"',
  });
}
