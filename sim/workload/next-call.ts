// The calls a simulated client makes: the plan picks the kind, the key and new values; a cas expects
// the value the client last saw on its key (so that it can succeed), which `learn` keeps up to date.
import type { OperationCall } from '../../check/history-types.ts';
import type { ClientPlan } from './client.ts';

export type SeenValues = Map<string, string | null>;

export function nextCall(plan: ClientPlan, seen: SeenValues): OperationCall {
  const f = plan.chooseOperation();
  const key = plan.chooseKey();
  if (f === 'get' || f === 'delete' || f === 'ttl') return { f, key };
  if (f === 'put') return { f, key, value: plan.newValue() };
  if (f === 'putExpiring') return { f: 'put', key, value: plan.newValue(), ttlMs: (plan.newTtlMs as () => number)() };
  const expected = seen.has(key) ? (seen.get(key) as string | null) : null;
  return { f: 'cas', key, expected, value: plan.newValue() };
}

/** After an ok operation: what the key holds as far as this client knows. */
export function learn(seen: SeenValues, call: OperationCall, read: string | null | number | undefined): void {
  if (call.f === 'ttl') return;
  if (call.f === 'get') seen.set(call.key, typeof read === 'string' ? read : null);
  else if (call.f === 'put' || call.f === 'cas') seen.set(call.key, call.value);
  else seen.set(call.key, null);
}
