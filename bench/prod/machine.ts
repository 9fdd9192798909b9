// What the figures depend on besides the code: the machine, its load while we measured (this machine
// is shared, so `uptime` goes next to every table), and the versions of what was compared.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

function commandOutput(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return `(${command} not available)`;
  }
}

export function uptimeLine(): string {
  const text = commandOutput('uptime', []);
  return text.startsWith('(') ? `load average: ${loadavg().map((l) => l.toFixed(2)).join(', ')}` : text;
}

export function machineLines(versions: Record<string, [string, string[]]>): string[] {
  const cpu = cpus();
  const lines = [
    `machine: ${cpu.length} CPUs (${cpu[0]?.model ?? 'unknown'}), node ${process.version}`,
    `kvlab commit: ${commandOutput('git', ['rev-parse', '--short', 'HEAD'])}`,
  ];
  for (const [name, [command, args]] of Object.entries(versions)) lines.push(`${name}: ${commandOutput(command, args).split('\n')[0]}`);
  lines.push(`uptime: ${uptimeLine()}`);
  return lines;
}
