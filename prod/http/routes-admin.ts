// GET /v1/cluster, POST /v1/members, DELETE /v1/members/{id}, GET /metrics.
// Membership changes require the adminToken when one is configured (authorize.ts); /metrics is
// guarded by the router (monitorToken).
import type { IncomingMessage } from 'node:http';
import type { ClientError } from '../../core/node/client-api.ts';
import { nodeId } from '../../core/types.ts';
import { PROMETHEUS_CONTENT_TYPE, type MetricsRegistry } from '../metrics/registry.ts';
import { authorize } from './authorize.ts';
import { parseJsonObject, readBody } from './body.ts';
import type { HttpLimits } from './limits.ts';
import type { ClusterStatusSource, MemberAddresses, MembershipAdmin, MembershipChange } from './node-services.ts';
import { badRequest, clientErrorAnswer, errorAnswer, type HttpAnswer } from './respond.ts';

export interface AdminRouteContext {
  readonly request: IncomingMessage;
  readonly limits: HttpLimits;
  readonly status: ClusterStatusSource | null;
  readonly membership: MembershipAdmin | null;
  readonly adminToken: string | null;
  readonly registry: MetricsRegistry;
  /** How long to wait for a membership change before answering 504. */
  readonly membershipTimeoutMs: number;
}

const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;

export function clusterStatus(context: AdminRouteContext): HttpAnswer {
  if (!context.status) return errorAnswer(503, 'unavailable', 'this node does not serve cluster status', { 'Retry-After': '1' });
  return { status: 200, body: context.status.clusterStatus() };
}

export function metrics(context: AdminRouteContext): HttpAnswer {
  return { status: 200, headers: { 'Content-Type': PROMETHEUS_CONTENT_TYPE }, body: context.registry.render() };
}

function checkToken(context: AdminRouteContext): HttpAnswer | null {
  return authorize(context.request, context.adminToken, 'a membership change', 'adminToken');
}

export function parseMemberId(text: string): number | string {
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 0xffff_ffff) return `member id must be an integer from 1 to 4294967295, got '${text.slice(0, 40)}'`;
  return Number(text);
}

function addressField(body: Record<string, unknown>, name: keyof MemberAddresses): string | { problem: string } {
  const value = body[name];
  if (typeof value !== 'string' || !ADDRESS.test(value) || Number(ADDRESS.exec(value)![2]) > 65535) {
    return { problem: `field '${name}' must be "host:port", got ${JSON.stringify(value)?.slice(0, 60)}` };
  }
  return value;
}

/** {"id", "action": "addLearner" (default, needs raftAddr/respAddr/httpAddr) | "promote"}. */
function parseMemberChange(body: Record<string, unknown>): MembershipChange | string {
  const id = typeof body.id === 'number' ? parseMemberId(String(body.id)) : "field 'id' is required and must be a number";
  if (typeof id === 'string') return id;
  const action = body.action ?? 'addLearner';
  if (action === 'promote') return { op: 'promote', id: nodeId(id) };
  if (action !== 'addLearner') return `field 'action' must be 'addLearner' or 'promote', got ${JSON.stringify(action)}`;
  const addresses: Partial<Record<keyof MemberAddresses, string>> = {};
  for (const name of ['raftAddr', 'respAddr', 'httpAddr'] as const) {
    const value = addressField(body, name);
    if (typeof value !== 'string') return value.problem;
    addresses[name] = value;
  }
  return { op: 'addLearner', id: nodeId(id), addresses: addresses as MemberAddresses };
}

function changeMembership(context: AdminRouteContext, change: MembershipChange): Promise<HttpAnswer> {
  const membership = context.membership!;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: ClientError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(error ? clientErrorAnswer(error) : { status: 200, body: { ok: true } });
    };
    const guard = setTimeout(
      () => finish({ code: 'timeout', message: `membership change not confirmed within ${context.membershipTimeoutMs} ms`, outcome: 'unknown' }),
      context.membershipTimeoutMs,
    );
    try {
      membership.changeMembership(change, finish);
    } catch (error) {
      // A node that throws instead of calling back has a bug: the server answers 500.
      settled = true;
      clearTimeout(guard);
      reject(error);
    }
  });
}

function membershipUnavailable(): HttpAnswer {
  return errorAnswer(503, 'unavailable', 'this node does not accept membership changes', { 'Retry-After': '1' });
}

export async function addMember(context: AdminRouteContext): Promise<HttpAnswer> {
  const denied = checkToken(context);
  if (denied) return denied;
  if (!context.membership) return membershipUnavailable();
  const body = await readBody(context.request, context.limits.bodyBytesMax);
  if (!body.ok) return errorAnswer(413, 'tooLarge', `request body of ${body.bytes} bytes exceeds bodyBytesMax ${context.limits.bodyBytesMax}`);
  const parsed = parseJsonObject(body.bytes);
  if (typeof parsed === 'string') return badRequest(parsed);
  const change = parseMemberChange(parsed);
  if (typeof change === 'string') return badRequest(change);
  return changeMembership(context, change);
}

export async function removeMember(context: AdminRouteContext, idText: string): Promise<HttpAnswer> {
  const denied = checkToken(context);
  if (denied) return denied;
  if (!context.membership) return membershipUnavailable();
  const id = parseMemberId(idText);
  if (typeof id === 'string') return badRequest(id);
  return changeMembership(context, { op: 'remove', id: nodeId(id) });
}
