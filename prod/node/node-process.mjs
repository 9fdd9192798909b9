#!/usr/bin/env node
// Entry of a node process started by `kvlab cluster up` (the same as `kvlab node --config FILE`),
// so that the cluster commands need nothing but this repository. TypeScript runs through tsx.
import { register } from 'tsx/esm/api';

register();
const { nodeCommand } = await import('../../cli/node.ts');
const code = await nodeCommand(process.argv.slice(2));
process.exitCode = code;
