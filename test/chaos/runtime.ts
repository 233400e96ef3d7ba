// The chaos corpus over stdio: a runtime process serving the chaos adapter of one case.
// Usage: node --import tsx test/chaos/runtime.ts <case> [<pid file>]
// Every process appends its pid to the pid file first, so a test can prove that none of the
// processes the kit started (restarts included) outlives the run.

import { appendFileSync } from 'node:fs';
import { serveAdapter } from '../../src/adapter/stdio/server.js';
import { chaosAdapter } from './adapter.js';
import { chaosCase } from './corpus.js';

const [name = '', pidFile] = process.argv.slice(2);
if (pidFile) appendFileSync(pidFile, `${process.pid}\n`);
const chaos = chaosCase(name);
chaos.startup?.();
await serveAdapter(chaosAdapter(name, 'stdio'));
process.exit(0);
