#!/usr/bin/env node
// Runs the TypeScript CLI with no build step: registers tsx, then hands over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../src/cli/main.ts');
await cli();
