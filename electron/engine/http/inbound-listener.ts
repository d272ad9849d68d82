/**
 * InboundListener is the desktop app's HTTP listener for alerts (Events API v2, Alertmanager,
 * heartbeat pings): it asks for its port and, when that port is taken (another program, a headless
 * Standby on another data directory), listens on a free one instead, so alerts still arrive
 * somewhere the person is told about, rather than nowhere in silence. It reports every outcome to the
 * engine's InboundAddress (the tray, the UI and the `inbound` health problem read it there) and, when
 * live, moves to the port a person picks in Settings without a restart.
 */
import { ApiError } from '../../shared/errors.ts';
import type { InboundPortSource } from '../../shared/system-schemas.ts';
import type { Engine } from '../engine.ts';
import { listenHttp, type HttpListener } from './listen.ts';
import type { HttpOptions } from './server.ts';

/** InboundListenerOptions configure the listener. */
export interface InboundListenerOptions {
  host: string;
  http: HttpOptions;
  /** wantedFrom says what chose the port start() is given. */
  wantedFrom: InboundPortSource;
  /** live makes `system.setInboundPort` move the listener at once (the desktop app without STANDBY_PORT). */
  live: boolean;
  log: (line: string) => void;
  /** listen opens one listener (default listenHttp; tests inject failures). */
  listen?: (engine: Engine, host: string, port: number, opts: HttpOptions) => Promise<HttpListener>;
}

/** unavailableReason says in a person's words why a port could not be listened on. */
export function unavailableReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return 'taken by another program';
  if (code === 'EACCES') return 'not open to Standby (permission denied)';
  if (code === 'EADDRNOTAVAIL') return 'not available on this computer';
  return `not usable (${code ?? (err instanceof Error ? err.message : String(err))})`;
}

/** InboundListener owns the desktop app's one HTTP listener. */
export class InboundListener {
  private readonly engine: Engine;
  private readonly o: InboundListenerOptions;
  private readonly listen: NonNullable<InboundListenerOptions['listen']>;
  private current: HttpListener | undefined;
  private detach: (() => void) | undefined;
  private moving: Promise<void> = Promise.resolve();
  /** wantedFrom is what chose the wanted port: the start's source, then Settings once a person moved it. */
  private wantedFrom: InboundPortSource;

  constructor(engine: Engine, o: InboundListenerOptions) {
    this.engine = engine;
    this.o = o;
    this.wantedFrom = o.wantedFrom;
    this.listen = o.listen ?? listenHttp;
  }

  /** url is where alerts arrive now, or undefined. */
  get url(): string | undefined {
    return this.current?.url;
  }

  /**
   * start listens on the wanted port, or on a free port when it cannot (and says so through the
   * `inbound` health problem), or on none (an error problem: alerts are off). It never throws.
   */
  async start(port: number): Promise<void> {
    const { engine, o } = this;
    try {
      this.current = await this.listen(engine, o.host, port, o.http);
      o.log(`accepting alerts on ${this.current.url}`);
      this.report(port, null);
    } catch (err) {
      const why = unavailableReason(err);
      o.log(`cannot listen on ${o.host}:${port} for alerts: the port is ${why}; trying a free port instead`);
      try {
        this.current = await this.listen(engine, o.host, 0, o.http);
        o.log(`accepting alerts on ${this.current.url} instead of port ${port}`);
      } catch (again) {
        o.log(`not accepting alerts over HTTP: no port could be opened on ${o.host} (${unavailableReason(again)})`);
      }
      this.report(port, why);
    }
    if (o.live) this.detach = engine.inboundAddress.attach((p) => this.moveTo(p));
  }

  /**
   * moveTo listens on a new port and then closes the old listener. When the new port cannot be
   * opened, nothing changes and the caller gets a `conflict` naming the port and the reason. Moves
   * run one at a time.
   */
  moveTo(port: number): Promise<void> {
    const run = this.moving.then(() => this.move(port));
    this.moving = run.catch(() => {});
    return run;
  }

  /** close stops listening (at quit). */
  async close(): Promise<void> {
    this.detach?.();
    this.detach = undefined;
    await this.moving;
    const http = this.current;
    this.current = undefined;
    await http?.close();
  }

  private async move(port: number): Promise<void> {
    const old = this.current;
    if (old?.port === port) {
      this.wantedFrom = 'settings';
      this.report(port, null);
      return;
    }
    let next: HttpListener;
    try {
      next = await this.listen(this.engine, this.o.host, port, this.o.http);
    } catch (err) {
      const where = old ? `Standby still takes alerts on ${old.url}` : 'Standby still takes no alerts over HTTP';
      throw new ApiError('conflict', `port: ${port} is ${unavailableReason(err)}; ${where}, and nothing was changed`, [{ path: 'port', message: `${port} is ${unavailableReason(err)}` }]);
    }
    this.current = next;
    this.wantedFrom = 'settings';
    this.o.log(`accepting alerts on ${next.url} (moved from ${old?.url ?? 'nowhere'})`);
    this.report(port, null);
    await old?.close().catch((err: unknown) => this.o.log(`could not close the old listener ${old.url}: ${(err as Error).message}`));
  }

  private report(wantedPort: number, unavailable: string | null): void {
    const http = this.current;
    this.engine.inboundAddress.report({
      url: http?.url ?? null,
      port: http?.port ?? null,
      wantedPort,
      wantedFrom: this.wantedFrom,
      unavailable,
      live: this.o.live,
    });
  }
}
