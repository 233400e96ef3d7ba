// An Adapter whose runtime is another process speaking the stdio protocol. One process
// serves every session; when it dies (exit, closed pipe, broken protocol) the sessions on it
// fail with the reason and the next createSession starts a fresh process. dispose() stops
// every process it started, so a run leaves nothing behind.

import type { Adapter, AdapterDescription, Session, SessionEnv } from '../contract.js';
import type { LaunchSpec } from './launch.js';
import type { RequestHandler } from './peer.js';
import { RPC_ERROR, RpcError } from './protocol.js';
import { RuntimeProcess } from './runtime-process.js';
import { SessionLink } from './session-link.js';
import { announcedMethods, proxySession } from './session-proxy.js';

export interface StdioAdapterOptions {
  /** Limit for one session operation (the kit's --timeout). */
  callTimeoutMs: number;
  /** Where the runtime's stderr lines and transport notes go (default: the kit's stderr). */
  log?(line: string): void;
}

const toStderr = (line: string) => void process.stderr.write(`${line}\n`);

/** A listener of the JSON-RPC lines: `→` the kit to the runtime, `←` the runtime to the kit. */
export type LineTap = (direction: '→' | '←', line: string) => void;

/** The SessionEnv as it crosses: everything but the AEL, which the runtime reaches by ael.execute. */
function wireEnv(env: SessionEnv): Record<string, unknown> {
  const { ael: _kitSide, ...data } = env;
  return data;
}

export class StdioAdapter implements Adapter {
  private current: RuntimeProcess | undefined;
  private starting: Promise<RuntimeProcess> | undefined;
  private readonly links = new Map<string, SessionLink>();
  private sessionCount = 0;
  private disposed = false;
  /** Listeners of every JSON-RPC line (--trace); `→` to the runtime, `←` from it. */
  private readonly taps = new Set<LineTap>();
  private readonly handlers: Readonly<Record<string, RequestHandler>> = {
    'ael.execute': (p) => this.link(p['session']).executeAction(p['action']),
    'module.invoke': (p) => this.link(p['session']).invokeModule(String(p['name']), p['ctx']),
  };

  constructor(
    readonly launch: LaunchSpec,
    private readonly options: StdioAdapterOptions,
  ) {}

  /** Hears every JSON-RPC line from now on, of this and later runtime processes; returns the unsubscribe. */
  tap(listener: LineTap): () => void {
    this.taps.add(listener);
    return () => void this.taps.delete(listener);
  }

  /** The runtime's description (starting it if needed), without the protocol fields. */
  async describe(): Promise<AdapterDescription> {
    const { protocol_version: _protocol, ...description } = (await this.process()).described;
    return description as AdapterDescription;
  }

  async createSession(env: SessionEnv): Promise<Session> {
    const proc = await this.process();
    const id = `s${++this.sessionCount}`;
    const link = new SessionLink(id, env, proc);
    this.links.set(id, link);
    try {
      const { result } = await proc.call('createSession', { session: id, env: wireEnv(env) });
      const methods = announcedMethods(result, (proc.described as unknown as AdapterDescription).capabilities);
      return proxySession(link, methods, () => this.links.delete(id));
    } catch (e) {
      this.links.delete(id);
      throw e;
    }
  }

  /**
   * Extra time the next createSession may take because the runtime process must be (re)started
   * first (it died, or was never started): the launch's startup limit; 0 while one is running.
   */
  get startupAllowanceMs(): number {
    return this.current?.alive ? 0 : this.launch.startupTimeoutMs;
  }

  /** Stops the runtime process; later calls fail. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const running = [this.current, await this.starting?.catch(() => undefined)];
    this.current = undefined;
    this.links.clear();
    await Promise.all([...new Set(running)].map((p) => p?.stop()));
  }

  /** The live process, started (or restarted after a death) on demand. */
  private process(): Promise<RuntimeProcess> {
    if (this.disposed) return Promise.reject(new Error(`${this.launch.source}: the adapter was disposed`));
    if (this.current?.alive) return Promise.resolve(this.current);
    this.starting ??= this.restart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async restart(): Promise<RuntimeProcess> {
    const dead = this.current;
    this.current = undefined;
    // A process that broke the protocol may still be running: make sure it is gone.
    await dead?.stop();
    const proc = await RuntimeProcess.start({
      launch: this.launch,
      handlers: this.handlers,
      callTimeoutMs: this.options.callTimeoutMs,
      log: this.options.log ?? toStderr,
      onLine: (direction, line) => {
        for (const tap of this.taps) tap(direction, line);
      },
    });
    if (this.disposed) {
      await proc.stop();
      throw new Error(`${this.launch.source}: the adapter was disposed`);
    }
    this.current = proc;
    return proc;
  }

  private link(session: unknown): SessionLink {
    const link = typeof session === 'string' ? this.links.get(session) : undefined;
    if (!link) throw new RpcError(RPC_ERROR.unknownSession, `no open session ${JSON.stringify(session)}`);
    return link;
  }
}
