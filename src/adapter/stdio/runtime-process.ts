// One runtime process driven over stdio: spawned with execa, greeted with the describe
// handshake, its stderr passed through to the kit's log, and its death (exit, closed pipe,
// broken protocol) turned into one reason that every pending and later call reports. A
// process that broke the protocol is killed at once: nothing it says can be trusted.

import { kitPackage } from '../../package-files.js';
import { setTimeout as delay } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import type { LaunchSpec } from './launch.js';
import { readLines } from './lines.js';
import { RpcPeer, type ProtocolViolation, type Reply, type RequestHandler } from './peer.js';
import { clip, compatibleVersion, MAX_LINE_CHARS, PROTOCOL_VERSION, type DescribeResult } from './protocol.js';

const kit = kitPackage();

/** How long a runtime may take to exit after its stdin closed before it is killed. */
const EXIT_GRACE_MS = 1_000;
/** How long a closed stdout waits for the process exit to report why. */
const STDOUT_CLOSE_GRACE_MS = 250;
/** Stderr lines quoted when the process dies. */
const STDERR_TAIL = 8;

export interface ProcessOptions {
  launch: LaunchSpec;
  /** The kit's answers to the runtime's requests (ael.execute, module.invoke). */
  handlers: Readonly<Record<string, RequestHandler>>;
  /** Limit for one session operation. */
  callTimeoutMs: number;
  /** The kit's log: stderr lines (prefixed) and transport notes. */
  log(line: string): void;
  /** Every JSON-RPC line, both ways (--trace). */
  onLine?(direction: '→' | '←', line: string): void;
}

export class RuntimeProcess {
  private readonly peer: RpcPeer;
  private readonly stderrTail: string[] = [];
  private readonly exited: Promise<void>;
  private death: string | undefined;
  private description: DescribeResult | undefined;

  private constructor(
    private readonly child: ResultPromise<{ stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; buffer: false; reject: false }>,
    private readonly options: ProcessOptions,
  ) {
    const { launch, log } = options;
    this.peer = new RpcPeer({
      send: (line) => {
        options.onLine?.('→', line);
        child.stdin.write(`${line}\n`);
      },
      peerName: 'the runtime',
      selfName: 'the kit',
      streamName: 'stdout',
      handlers: options.handlers,
      onViolation: (v) => this.brokeProtocol(v),
      onLateAnswer: (note) => log(`[mplp-conformance] ${note}`),
    });
    // Writing to a process that just died raises EPIPE here; the exit reports it.
    child.stdin.on('error', () => undefined);
    readLines(child.stdout, {
      line: (text, n) => {
        options.onLine?.('←', text);
        this.peer.receive(text, n);
      },
      tooLong: (n, start) => this.brokeProtocol({ lineNumber: n, line: start, problem: `is longer than the kit's limit of ${MAX_LINE_CHARS} characters` }),
      // Stdout usually closes because the process is exiting: prefer the exit's own reason.
      end: () => void Promise.race([this.exited, delay(STDOUT_CLOSE_GRACE_MS, undefined, { ref: false })]).then(() => this.end('closed its stdout')),
    });
    readLines(child.stderr, {
      line: (text) => {
        this.stderrTail.push(clip(text));
        if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
        log(`[${launch.name} ${child.pid ?? '?'}] ${text}`);
      },
      end: () => undefined,
    });
    this.exited = child.then((result) => {
      const how = result.signal ? `was killed by ${result.signal}` : result.exitCode !== undefined ? `exited with code ${result.exitCode}` : `could not be started (${result.shortMessage})`;
      this.end(how);
    });
  }

  /** Spawns the process and completes the describe handshake within the startup limit. */
  static async start(options: ProcessOptions): Promise<RuntimeProcess> {
    const { launch } = options;
    const child = execa(launch.command, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      extendEnv: true,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      windowsHide: true,
    });
    const proc = new RuntimeProcess(child, options);
    try {
      const { result } = await proc.peer.request('describe', { protocol_version: PROTOCOL_VERSION, kit: { name: kit.name, version: kit.version } }, { timeoutMs: launch.startupTimeoutMs });
      proc.description = handshakeResult(result);
      return proc;
    } catch (e) {
      // No grace for a runtime that could not even describe itself.
      await proc.stop(0);
      throw new Error(`the runtime did not complete the describe handshake: ${(e as Error).message}`);
    }
  }

  /** The describe answer of the handshake. */
  get described(): DescribeResult {
    return this.description!;
  }

  get alive(): boolean {
    return this.death === undefined;
  }

  /** Why the process is gone, when it is. */
  get deathReason(): string | undefined {
    return this.death;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call(method: string, params: Record<string, unknown>, atAnswer?: () => unknown): Promise<Reply> {
    return this.peer.request(method, params, { timeoutMs: this.options.callTimeoutMs, ...(atAnswer ? { atAnswer } : {}) });
  }

  /** Closes stdin, lets the runtime exit on its own for `graceMs`, then kills it. */
  async stop(graceMs = EXIT_GRACE_MS): Promise<void> {
    this.end('was stopped by the kit');
    this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    if ((await Promise.race([this.exited, graceOver])) === 'late') this.child.kill('SIGKILL');
    clearTimeout(timer);
    await this.exited;
  }

  private brokeProtocol(v: ProtocolViolation): void {
    const hint = v.problem.startsWith('is not JSON') ? ' (stdout carries only protocol messages; write logs to stderr)' : '';
    this.end(`broke the protocol on stdout line ${v.lineNumber}, which ${v.problem}${hint}: ${clip(v.line)}`);
    this.child.kill('SIGKILL');
  }

  /** Records the first reason the process is gone and fails every pending and later call with it. */
  private end(how: string): void {
    if (this.death !== undefined) return;
    const tail = this.stderrTail.length > 0 ? `; its last stderr lines:\n    | ${this.stderrTail.join('\n    | ')}` : '';
    this.death = `the runtime process (pid ${this.child.pid ?? 'unknown'}) ${how}${tail}`;
    this.peer.close(this.death);
  }
}

function handshakeResult(result: unknown): DescribeResult {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) throw new Error(`describe answered ${clip(JSON.stringify(result))}, not an object`);
  const version = (result as { protocol_version?: unknown }).protocol_version;
  if (!compatibleVersion(version)) {
    throw new Error(`describe answered protocol_version ${JSON.stringify(version)}; this kit speaks protocol ${PROTOCOL_VERSION} (the major versions must match)`);
  }
  return result as DescribeResult;
}
