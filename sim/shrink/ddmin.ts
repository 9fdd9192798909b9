// Delta debugging (Zeller & Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", 2002):
// the smallest sub-list of `items` that still makes `fails` true, found by trying chunks and their
// complements at growing granularity. `fails` is expected to count its own runs and answer false once
// its budget is spent, which ends the search with the best list so far.

export function ddmin<T>(items: readonly T[], fails: (candidate: readonly T[]) => boolean): T[] {
  let current = [...items];
  if (current.length === 0) return current;
  if (fails([])) return [];
  let granularity = 2;
  while (current.length >= 2) {
    const chunks = split(current, granularity);
    const chunk = firstFailing(chunks, fails);
    if (chunk) {
      current = chunk;
      granularity = 2;
      continue;
    }
    // With two chunks each complement is the other chunk, already tried.
    const complement = granularity > 2 ? firstFailing(complements(chunks), fails) : undefined;
    if (complement) {
      current = complement;
      granularity = Math.max(granularity - 1, 2);
      continue;
    }
    if (granularity >= current.length) break;
    granularity = Math.min(current.length, granularity * 2);
  }
  return current;
}

function firstFailing<T>(candidates: readonly T[][], fails: (candidate: readonly T[]) => boolean): T[] | undefined {
  for (const candidate of candidates) if (fails(candidate)) return candidate;
  return undefined;
}

function split<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const end = start + Math.floor((items.length - start) / (parts - i));
    out.push(items.slice(start, end));
    start = end;
  }
  return out.filter((c) => c.length > 0);
}

function complements<T>(chunks: readonly T[][]): T[][] {
  return chunks.map((_, i) => chunks.filter((_, j) => j !== i).flat());
}
