#!/usr/bin/env node
// Entry point of the `opsgate` command: loads the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/wiring/cli.ts');
process.exitCode = await main(process.argv);
