// Command-line flags of the production benchmarks: `--name value` pairs and bare `--flag`s, each
// checked against what the script accepts so a typo stops the run instead of silently using a default.

export class Flags {
  private readonly values = new Map<string, string>();
  private readonly bare = new Set<string>();

  constructor(args: readonly string[], valued: readonly string[], boolean: readonly string[]) {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (boolean.includes(arg)) this.bare.add(arg);
      else if (valued.includes(arg)) {
        const value = args[++i];
        if (value === undefined) throw new Error(`${arg}: missing its value`);
        this.values.set(arg, value);
      } else {
        throw new Error(`unknown argument '${arg}' (flags: ${[...valued, ...boolean].join(' ')})`);
      }
    }
  }

  has(name: string): boolean {
    return this.bare.has(name);
  }

  string(name: string, fallback: string): string {
    return this.values.get(name) ?? fallback;
  }

  optionalInt(name: string): number | undefined {
    const text = this.values.get(name);
    return text === undefined ? undefined : this.int(name, 0);
  }

  int(name: string, fallback: number, min = 1, max = 10_000_000): number {
    const text = this.values.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name}: found '${text}'; allowed: an integer from ${min} to ${max}`);
    return value;
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const text = this.values.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name}: found '${text}'; allowed: a number from ${min} to ${max}`);
    return value;
  }

  intList(name: string, fallback: readonly number[], min = 1, max = 4096): number[] {
    const text = this.values.get(name);
    if (text === undefined) return [...fallback];
    const values = text.split(',').map(Number);
    if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < min || v > max)) {
      throw new Error(`${name}: found '${text}'; allowed: comma-separated integers from ${min} to ${max}`);
    }
    return values;
  }
}
