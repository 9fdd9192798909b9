// What the `kvlab cluster` actions share: where they print, and their parsed arguments.

export interface ClusterOutput {
  out(text: string): void;
  err(text: string): void;
}

export interface ClusterArgs {
  readonly dir: string;
  readonly nodes?: number;
  readonly basePort: number;
  readonly clusterId?: string;
  /** init: overwrite existing configs, and allow ports in the ephemeral range. */
  readonly force: boolean;
  readonly timeoutMs?: number;
}
