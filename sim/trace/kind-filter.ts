// Which trace kinds are recorded. Patterns are exact kinds ("net.send") or prefixes ending in ".*"
// ("raft.*"); "*" means every kind. Answers are memoised: enabled() sits on hot paths.
export type KindSelection = 'all' | 'none' | readonly string[];

export class KindFilter {
  private readonly memo = new Map<string, boolean>();
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];
  private readonly all: boolean;
  readonly none: boolean;

  constructor(selection: KindSelection) {
    this.all = selection === 'all' || (Array.isArray(selection) && selection.includes('*'));
    this.none = selection === 'none' || (Array.isArray(selection) && selection.length === 0);
    if (Array.isArray(selection)) {
      for (const pattern of selection as readonly string[]) {
        if (pattern.endsWith('.*')) this.prefixes.push(pattern.slice(0, -1));
        else this.exact.add(pattern);
      }
    }
  }

  enabled(kind: string): boolean {
    if (this.all) return true;
    if (this.none) return false;
    let answer = this.memo.get(kind);
    if (answer === undefined) {
      answer = this.exact.has(kind) || this.prefixes.some((prefix) => kind.startsWith(prefix));
      this.memo.set(kind, answer);
    }
    return answer;
  }
}
