// Asking local nodes over HTTP whether they listen and what they see (GET /v1/cluster).
import type { ClusterStatus } from '../../http/node-services.ts';

/** Bytes of a /v1/cluster answer read at most. */
const ANSWER_BYTES_MAX = 1024 * 1024;

export type Probe = { readonly kind: 'status'; readonly status: ClusterStatus } | { readonly kind: 'http'; readonly code: number } | { readonly kind: 'down'; readonly reason: string };

/** GET /v1/cluster on `httpAddr`: the status, another HTTP answer, or why nothing answered. */
export async function probeNode(httpAddr: string, timeoutMs: number): Promise<Probe> {
  try {
    const response = await fetch(`http://${httpAddr}/v1/cluster`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (response.status !== 200 || text.length > ANSWER_BYTES_MAX) return { kind: 'http', code: response.status };
    const body = JSON.parse(text) as ClusterStatus;
    return Array.isArray(body?.nodes) ? { kind: 'status', status: body } : { kind: 'http', code: response.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { kind: 'down', reason: cause ?? (error as Error).name ?? String(error) };
  }
}
