// Runs one chaos case through runConformance in a process of its own and prints what the kit
// concluded (a ChaosRun, plus any unhandled rejection) as one JSON line. It never calls
// process.exit: the test that starts it (test/chaos-corpus.test.ts) requires it to end by
// itself, which proves the kit leaves no timer, socket or child process behind after a
// misbehaving adapter. Heavy cases run this way too, so their huge answers are parsed here.
// Usage: node --import tsx test/chaos/run-in-child.ts <case> <in-process|stdio> [<pid file>]

import { describeThrown } from '../../src/adapter/load.js';
import type { Transport } from './corpus.js';
import { runChaos } from './harness.js';

const rejections: string[] = [];
process.on('unhandledRejection', (reason) => void rejections.push(describeThrown(reason)));

const [name = '', transport = 'in-process', pidFile] = process.argv.slice(2);
const run = await runChaos(name, transport as Transport, pidFile ? { pidFile } : {});
process.stdout.write(`${JSON.stringify({ ...run, rejections })}\n`);
