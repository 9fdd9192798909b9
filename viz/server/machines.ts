// Reads the role and lifecycle statecharts from their xstate definitions (core/raft/role-machine.ts,
// core/node/lifecycle-machine.ts) on the Node side, so the page draws the code's own machines
// without shipping xstate. A definition that is missing or fails to load is noted, and the page
// falls back to the transitions the trace recorded.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MachineSpecs } from '../app/boot-data.ts';
import { isMachineLike, specFromMachine, type StatechartSpec } from '../model/statechart-spec.ts';

const roleModule = new URL('../../core/raft/role-machine.ts', import.meta.url);
const lifecycleModule = new URL('../../sim/world/lifecycle-machine.ts', import.meta.url);

// The imports are written out (not built from the URLs) so that a bundler sees them: the prebuilt CLI
// has no TypeScript loader to import a .ts file at run time.
async function loadSpec(module: URL, load: () => Promise<object>, nameHint: RegExp, notes: string[]): Promise<StatechartSpec | null> {
  const path = fileURLToPath(module);
  const shown = path.slice(path.lastIndexOf('/core/') + 1);
  if (!existsSync(path)) {
    notes.push(`${shown} does not exist yet; this chart shows the transitions the trace recorded.`);
    return null;
  }
  try {
    const exports = (await load()) as Record<string, unknown>;
    const machines = Object.entries(exports).filter(([, value]) => isMachineLike(value));
    const [, machine] = machines.find(([name]) => nameHint.test(name)) ?? machines[0] ?? [];
    if (machine === undefined) {
      notes.push(`${shown} exports no xstate machine; this chart shows the transitions the trace recorded.`);
      return null;
    }
    return specFromMachine(machine);
  } catch (error) {
    notes.push(`${shown} could not be loaded (${error instanceof Error ? error.message : String(error)}); this chart shows the transitions the trace recorded.`);
    return null;
  }
}

let cached: Promise<MachineSpecs> | null = null;

export function loadMachineSpecs(): Promise<MachineSpecs> {
  cached ??= (async () => {
    const notes: string[] = [];
    const role = await loadSpec(roleModule, () => import('../../core/raft/role-machine.ts'), /role/i, notes);
    const lifecycle = await loadSpec(lifecycleModule, () => import('../../sim/world/lifecycle-machine.ts'), /lifecycle/i, notes);
    return { role, lifecycle, notes };
  })();
  return cached;
}
