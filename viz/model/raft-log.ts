// A node's Raft log as the trace reveals it: the term of each entry, run-length encoded (terms change
// rarely, so a log of millions of entries is a handful of runs). Rebuilt from raft.append,
// raft.truncate and raft.snapshot.

export interface TermRun {
  /** First log index of the run. */
  readonly first: number;
  readonly term: number;
}

export interface RaftLog {
  /** Entries after `snapshotIndex`, in runs. */
  runs: TermRun[];
  lastIndex: number;
  /** Entries up to here live only in a snapshot (0: none). */
  snapshotIndex: number;
  snapshotTerm: number;
}

export function emptyLog(): RaftLog {
  return { runs: [], lastIndex: 0, snapshotIndex: 0, snapshotTerm: 0 };
}

export function cloneLog(log: RaftLog): RaftLog {
  return { runs: log.runs.slice(), lastIndex: log.lastIndex, snapshotIndex: log.snapshotIndex, snapshotTerm: log.snapshotTerm };
}

/** Term of the entry at `index`, or -1 when the log does not hold it. */
export function termAt(log: RaftLog, index: number): number {
  if (index === log.snapshotIndex) return log.snapshotTerm;
  if (index < log.snapshotIndex || index > log.lastIndex) return -1;
  for (let i = log.runs.length - 1; i >= 0; i -= 1) if (log.runs[i].first <= index) return log.runs[i].term;
  return -1;
}

/** Removes every entry after `index`. */
export function truncateAfter(log: RaftLog, index: number): void {
  if (index >= log.lastIndex) return;
  log.lastIndex = Math.max(index, log.snapshotIndex);
  while (log.runs.length > 0 && log.runs[log.runs.length - 1].first > log.lastIndex) log.runs.pop();
}

/** Writes `terms` from `index` on; whatever followed index - 1 is replaced (Raft's conflict rule). */
export function appendEntries(log: RaftLog, index: number, terms: readonly number[]): void {
  truncateAfter(log, index - 1);
  for (let i = 0; i < terms.length; i += 1) {
    const at = index + i;
    if (at <= log.snapshotIndex) continue;
    const last = log.runs[log.runs.length - 1];
    if (last === undefined || last.term !== terms[i] || at !== log.lastIndex + 1) log.runs.push({ first: at, term: terms[i] });
    log.lastIndex = at;
  }
}

/** A snapshot through (index, term): a matching log keeps its tail, any other log is replaced. */
export function installSnapshot(log: RaftLog, index: number, term: number): void {
  if (index <= log.snapshotIndex) return;
  const keepsTail = termAt(log, index) === term && log.lastIndex > index;
  if (!keepsTail) {
    log.runs = [];
    log.lastIndex = index;
  } else {
    const runs: TermRun[] = [];
    for (let i = 0; i < log.runs.length; i += 1) {
      const next = log.runs[i + 1]?.first ?? log.lastIndex + 1;
      if (next <= index + 1) continue;
      runs.push({ first: Math.max(log.runs[i].first, index + 1), term: log.runs[i].term });
    }
    log.runs = runs;
  }
  log.snapshotIndex = index;
  log.snapshotTerm = term;
}

/** The last `count` entries as (index, term), oldest first. */
export function logTail(log: RaftLog, count: number): Array<{ index: number; term: number }> {
  const first = Math.max(log.snapshotIndex + 1, log.lastIndex - count + 1);
  const tail: Array<{ index: number; term: number }> = [];
  let run = log.runs.length - 1;
  for (let index = log.lastIndex; index >= first; index -= 1) {
    while (run > 0 && log.runs[run].first > index) run -= 1;
    tail.push({ index, term: log.runs[run].term });
  }
  return tail.reverse();
}
