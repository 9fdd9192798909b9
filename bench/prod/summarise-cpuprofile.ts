// Summarises any .cpuprofile (for example one kept by profile-http.ts --out) the way profile-http.ts
// does, or lists who calls a function.
//
// Run: npx tsx bench/prod/summarise-cpuprofile.ts FILE.cpuprofile [--from-us T --to-us T] [--top 25]
//        [--callers FUNCTION_NAME] [--depth 8]
// --from-us/--to-us are CLOCK_MONOTONIC microseconds (process.hrtime), the profile's own timestamps.
import { readFileSync } from 'node:fs';
import { callersOf, type CpuProfile, rankedTable, summariseProfile, type WindowUs } from './cpuprofile.ts';
import { Flags } from './options.ts';

function main(): void {
  const [file, ...rest] = process.argv.slice(2);
  if (file === undefined || file.startsWith('--')) throw new Error('usage: summarise-cpuprofile.ts FILE.cpuprofile [--from-us T --to-us T] [--top N] [--callers NAME] [--depth N]');
  const flags = new Flags(rest, ['--from-us', '--to-us', '--top', '--callers', '--depth'], []);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const fromUs = flags.optionalInt('--from-us');
  const toUs = flags.optionalInt('--to-us');
  const window: WindowUs | undefined = fromUs === undefined && toUs === undefined ? undefined : { fromUs: fromUs ?? profile.startTime, toUs: toUs ?? profile.endTime };
  const top = flags.int('--top', 25, 1, 500);
  const summary = summariseProfile(profile, window, top);
  const callers = flags.string('--callers', '');
  if (callers !== '') {
    console.log(rankedTable(`callers of ${callers}`, callersOf(profile, callers, window, flags.int('--depth', 8, 1, 100), top), summary.sampledMs));
    return;
  }
  console.log(`window ${summary.windowMs.toFixed(0)} ms, sampled ${summary.sampledMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms, GC ${summary.gcMs.toFixed(0)} ms\n`);
  for (const [title, rows] of [
    ['self time by area', summary.selfByArea],
    ['self time by function', summary.selfByFunction],
    ['self time by file', summary.selfByFile],
    ['inclusive time by function', summary.inclusiveByFunction],
  ] as const) {
    console.log(`${rankedTable(title, rows, summary.sampledMs)}\n`);
  }
}

main();
