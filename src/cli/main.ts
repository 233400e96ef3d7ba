// The CLI entry: picks the command (default `run`), parses its flags from the command's own
// table, and turns every expected failure into a message and an exit code. No stack traces
// unless MPLP_DEBUG is set.

import { kitPackage } from '../package-files.js';
import { describeThrown } from '../adapter/load.js';
import { parseCommand } from './args.js';
import { parseConfig, renderHelp, type Command } from './command.js';
import { diffCommand } from './commands/diff.js';
import { importUpstreamCommand } from './commands/import-upstream.js';
import { mergeCommand } from './commands/merge.js';
import { matrixCommand } from './commands/matrix.js';
import { initCommand } from './commands/init.js';
import { listCommand } from './commands/list.js';
import { replayCommand } from './commands/replay.js';
import { runCommand } from './commands/run.js';
import { selfcheckCommand } from './commands/selfcheck.js';
import { serveCommand } from './commands/serve.js';
import { validateCommand } from './commands/validate.js';
import { CliError, EXIT, usageError } from './exit-codes.js';
import { processOutput, type Output } from './output.js';

const COMMANDS: readonly Command[] = [runCommand, listCommand, validateCommand, initCommand, replayCommand, selfcheckCommand, serveCommand, diffCommand, mergeCommand, matrixCommand, importUpstreamCommand];
const VERSION = kitPackage().version;

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `mplp-conformance ${VERSION}: conformance kit for the MPLP v1.0 L3 Execution & Orchestration layer`,
    '',
    'Usage: mplp-conformance [command] [options]     (command defaults to run)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `mplp-conformance <command> --help` for the options of one command.',
    'Exit codes: 0 conformant/valid, 1 non-conformant/invalid/regression, 2 stale baseline entry (run --baseline), 3 adapter or operational error, 4 usage or configuration error, 130/143 run interrupted by SIGINT/SIGTERM (the report so far is written, marked incomplete).',
    '',
  ].join('\n');
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw usageError(`unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see mplp-conformance --help)`);
  return command;
}

async function dispatch(argv: string[], output: Output): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h') {
    output.out(generalHelp());
    return EXIT.conformant;
  }
  if (first === '--version' || first === '-v') {
    output.out(VERSION);
    return EXIT.conformant;
  }
  if (first === 'help') {
    output.out(rest[0] === undefined ? generalHelp() : renderHelp(findCommand(rest[0])));
    return EXIT.conformant;
  }
  const [command, args] = first === undefined || first.startsWith('-') ? [runCommand, argv] : [findCommand(first), rest];
  const parsed = parseCommand(command.name, args, parseConfig(command), command.maxPositionals);
  if (parsed.values['help'] === true) {
    output.out(renderHelp(command));
    return EXIT.conformant;
  }
  return command.execute(parsed, output);
}

export async function main(argv: string[], output: Output = processOutput): Promise<number> {
  try {
    return await dispatch(argv, output);
  } catch (e) {
    if (e instanceof CliError) {
      output.err(`mplp-conformance: ${e.message}`);
      return e.exitCode;
    }
    output.err(`mplp-conformance: internal error: ${describeThrown(e)}${process.env['MPLP_DEBUG'] ? `\n${(e as Error).stack ?? ''}` : ' (set MPLP_DEBUG=1 for the stack)'}`);
    return EXIT.operational;
  }
}

/** Process entry used by bin/mplp-conformance.js. */
export async function cli(argv: string[] = process.argv.slice(2)): Promise<never> {
  // A misbehaving adapter can leave promises rejecting after its check ended; note, never crash.
  process.on('unhandledRejection', (reason) => processOutput.err(`warning: ignored an unhandled rejection: ${describeThrown(reason)}`));
  const code = await main(argv);
  // A pipe takes writes asynchronously: exiting at once would cut a large --format json report.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  // Exit explicitly: a hung adapter may hold timers or sockets open forever.
  process.exit(code);
}

/** Resolves once everything written to the stream so far has been handed to the OS (bounded). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    timer.unref();
    stream.write('', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
