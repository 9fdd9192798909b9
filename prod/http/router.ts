// Maps method and path to a handler. Paths are matched on raw segments (keys are decoded later, to
// bytes), so an encoded '/' (%2F) stays inside a key instead of splitting the path.
import type { IncomingMessage } from 'node:http';
import { authorize } from './authorize.ts';
import { decodeKeySegment } from './key-path.ts';
import { errorAnswer, badRequest, type HttpAnswer } from './respond.ts';
import { addMember, clusterStatus, metrics, removeMember } from './routes-admin.ts';
import { casKey, deleteKey, getKey, type KvRouteContext, putKey } from './routes-kv.ts';
import type { HttpServices } from './server.ts';

export interface Routed {
  /** For metrics: a fixed name per route. */
  readonly name: string;
  readonly run: () => HttpAnswer | Promise<HttpAnswer>;
}

type Handlers = Readonly<Record<string, () => HttpAnswer | Promise<HttpAnswer>>>;

function byMethod(request: IncomingMessage, name: string, handlers: Handlers): Routed {
  const method = request.method === 'HEAD' ? 'GET' : (request.method ?? '');
  const handler = handlers[method];
  if (handler) return { name: `${name}.${method.toLowerCase()}`, run: handler };
  return methodNotAllowed(request, name, Object.keys(handlers));
}

function methodNotAllowed(request: IncomingMessage, name: string, methods: readonly string[]): Routed {
  const allow = methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])).join(', ');
  return {
    name: `${name}.methodNotAllowed`,
    run: () => errorAnswer(405, 'methodNotAllowed', `${request.method} is not allowed on this path (allowed: ${allow})`, { Allow: allow }),
  };
}

function withKey(segment: string, services: HttpServices, use: (key: string) => Promise<HttpAnswer>): () => Promise<HttpAnswer> {
  return async () => {
    const decoded = decodeKeySegment(segment);
    if ('problem' in decoded) return badRequest(decoded.problem);
    if (decoded.key.length === 0) return badRequest('key must not be empty: use /v1/kv/{key}');
    if (decoded.key.length > services.limits.keyBytesMax) {
      return errorAnswer(414, 'tooLarge', `key of ${decoded.key.length} bytes exceeds keyBytesMax ${services.limits.keyBytesMax}`);
    }
    return use(decoded.key);
  };
}

type KvHandler = (context: KvRouteContext, key: string) => Promise<HttpAnswer>;

/** /v1/kv/{key}: the hot path, so only the handler of the request's method is built. */
const kvHandlers: Readonly<Record<string, KvHandler>> = { GET: getKey, PUT: putKey, DELETE: deleteKey };
const kvRouteNames: Readonly<Record<string, string>> = { GET: 'kv.get', PUT: 'kv.put', DELETE: 'kv.delete' };
/** Most requests carry no query string; they share this one, which no handler changes. */
const noQuery = new URLSearchParams();

export function route(request: IncomingMessage, services: HttpServices): Routed {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? noQuery : new URLSearchParams(url.slice(queryAt + 1));
  const segments = path.split('/').slice(1);
  const kv = (): KvRouteContext => ({ kv: services.kv, limits: services.limits, request, query });

  if (segments[0] === 'v1' && segments[1] === 'kv') {
    const denied = authorize(request, services.requirepass, 'the data API', 'requirepass');
    if (denied) return { name: 'kv.unauthorized', run: () => denied };
  } else if (path === '/metrics' || segments[0] === 'dashboard') {
    const denied = authorize(request, services.monitorToken, path === '/metrics' ? 'GET /metrics' : 'the dashboard', 'monitorToken');
    if (denied) return { name: 'monitor.unauthorized', run: () => denied };
  }
  if (segments[0] === 'v1' && segments[1] === 'kv' && segments.length === 3) {
    const method = request.method === 'HEAD' ? 'GET' : (request.method ?? '');
    const handler = kvHandlers[method];
    if (handler === undefined) return methodNotAllowed(request, 'kv', Object.keys(kvHandlers));
    const context = kv();
    return { name: kvRouteNames[method], run: withKey(segments[2], services, (k) => handler(context, k)) };
  }
  if (segments[0] === 'v1' && segments[1] === 'kv' && segments.length === 4 && segments[3] === 'cas') {
    return byMethod(request, 'kv.cas', { POST: withKey(segments[2], services, (k) => casKey(kv(), k)) });
  }
  const admin = () => ({ request, ...services });
  if (path === '/v1/cluster') return byMethod(request, 'cluster', { GET: () => clusterStatus(admin()) });
  if (path === '/v1/members') return byMethod(request, 'members', { POST: () => addMember(admin()) });
  if (segments[0] === 'v1' && segments[1] === 'members' && segments.length === 3) {
    return byMethod(request, 'members', { DELETE: () => removeMember(admin(), segments[2]) });
  }
  if (path === '/metrics') return byMethod(request, 'metrics', { GET: () => metrics(admin()) });
  return { name: 'notFound', run: () => errorAnswer(404, 'notFound', `no route for ${request.method} ${path.slice(0, 200)}`) };
}
