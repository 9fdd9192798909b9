#!/usr/bin/env node
// The `kvlab` command. TypeScript runs through tsx, so a fresh `npm install` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
