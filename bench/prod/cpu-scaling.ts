// How much compute the machine gives two busy processes at once, compared with one: the same
// CPU-bound loop timed alone, then in two child processes side by side. On the 2-vCPU VM these
// benchmarks run on, two loops got 1.8-2.1x the work of one when nothing else ran (2026-11-22 05:24),
// but only about 1.2x while two niced jobs ran beside them: even SCHED_IDLE neighbours slowed a
// foreground loop to a third (390 against 136 ms), so benchmark figures taken beside other jobs are
// not comparable with quiet ones, whatever the neighbours' priority.
//
// Run: npx tsx bench/prod/cpu-scaling.ts [--rounds 3]
import { execFile } from 'node:child_process';
import { machineLines } from './machine.ts';
import { Flags } from './options.ts';

const LOOP = 'const t=performance.now();let x=0;for(let i=0;i<3e8;i++)x+=i&7;process.stdout.write(String(performance.now()-t)+(x>0?"":"!"))';

function spin(): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', LOOP], (error, stdout) => (error ? reject(error) : resolve(Number(stdout))));
  });
}

async function main(): Promise<void> {
  const flags = new Flags(process.argv.slice(2), ['--rounds'], []);
  const rounds = flags.int('--rounds', 3);
  for (const line of machineLines({})) console.log(line);
  console.log('\n| round | one loop alone ms | two loops side by side ms (each) | throughput of two / one |');
  console.log('|---:|---:|---:|---:|');
  for (let round = 1; round <= rounds; round++) {
    const alone = await spin();
    const [a, b] = await Promise.all([spin(), spin()]);
    const ratio = alone / a + alone / b;
    console.log(`| ${round} | ${alone.toFixed(0)} | ${a.toFixed(0)} / ${b.toFixed(0)} | ${ratio.toFixed(2)} |`);
  }
}

await main();
