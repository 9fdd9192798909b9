// Child process for the data-directory lock test. `hold DIR`: lock DIR, print "locked", keep it until
// stdin closes, then exit normally (the exit handler releases the lock). `try DIR`: print the outcome
// of one lock attempt and exit. `crash DIR`: lock, print "locked", and die without cleaning up.
import { lockDataDir } from '../../../prod/env/data-dir-lock.ts';

const [mode, dir] = process.argv.slice(2);
try {
  const lock = lockDataDir(dir);
  process.stdout.write('locked\n');
  if (mode === 'try') lock.release();
  if (mode === 'hold') process.stdin.on('end', () => process.exit(0)).resume();
  if (mode === 'crash') process.kill(process.pid, 'SIGKILL');
} catch (error) {
  process.stdout.write(`refused: ${(error as Error).message}\n`);
  process.exitCode = 3;
}
