// A sweep worker thread starts here: it teaches this thread TypeScript (tsx), then loads the worker.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
