/**
 * InboundAddress is what the engine knows about where it takes alerts over HTTP: the address the
 * HTTP listener (inbound-listener.ts, or the headless server) reported, the port stored in Settings,
 * and the `inbound` health problem while alerts do not arrive where tools send them. It serves
 * `system.info` and `system.setInboundPort`; a live listener (the desktop app) moves when the port
 * changes, otherwise the port is stored for the desktop app's next start.
 */
import type { ApiArgs, ApiEvent, ApiOutputs } from '../../shared/api.ts';
import { InboundPort, type InboundPortSource, type InboundStatus } from '../../shared/system-schemas.ts';
import type { Health } from '../health.ts';
import { readAppSetting, writeAppSetting } from '../store/app-settings.ts';
import type { Store } from '../store/database.ts';
import { DEFAULT_PORT } from './listen.ts';

/** InboundReport is what a listener reports: InboundStatus without the stored setting, which InboundAddress reads itself. */
export type InboundReport = Omit<InboundStatus, 'settingPort'>;

/** InboundAddressDeps are the engine parts InboundAddress reads and reports to. */
export interface InboundAddressDeps {
  store: Store;
  health: Health;
  emit: (e: ApiEvent) => void;
}

/** InboundMove moves a live listener to a port; it throws an ApiError (and changes nothing) when it cannot listen there. */
export type InboundMove = (port: number) => Promise<void>;

type SystemMethod = 'system.info' | 'system.setInboundPort';

/** InboundAddress holds the inbound status and the port setting. */
export class InboundAddress {
  private readonly d: InboundAddressDeps;
  private reported: InboundReport | undefined;
  private move: InboundMove | undefined;

  constructor(deps: InboundAddressDeps) {
    this.d = deps;
  }

  /** storedPort is the port stored in Settings, or null when none (or an invalid value) is stored. */
  storedPort(): number | null {
    const parsed = InboundPort.safeParse(readAppSetting(this.d.store, 'inbound.port'));
    return parsed.success ? parsed.data : null;
  }

  /** status is where alerts arrive now; before a listener reports, nothing listens and the wanted port is the setting's or the default. */
  status(): InboundStatus {
    const settingPort = this.storedPort();
    const r = this.reported ?? { url: null, port: null, wantedPort: settingPort ?? DEFAULT_PORT, wantedFrom: settingPort === null ? 'default' : 'settings', unavailable: null, live: false };
    return { ...r, settingPort: settingPort ?? DEFAULT_PORT };
  }

  /**
   * report records what the listener did, announces it (`inbound.changed`) and keeps the `inbound`
   * health problem in step: a warning while alerts arrive on another port than the one asked for, an
   * error while they arrive on none.
   */
  report(r: InboundReport): void {
    this.reported = { ...r };
    if (r.unavailable === null) this.d.health.clear('inbound');
    else if (r.url === null) {
      this.d.health.set('inbound', 'error', `Standby takes no alerts over HTTP: port ${r.wantedPort} is ${r.unavailable}, and no other port could be opened. Monitors and escalations still run. Pick another port in Settings.`);
    } else {
      this.d.health.set(
        'inbound',
        'warning',
        `Port ${r.wantedPort} is ${r.unavailable}, so Standby takes alerts on ${r.url} instead. Tools set up for port ${r.wantedPort} do not reach it: pick a free port in Settings (or stop the other program), or point them at ${r.url}.`,
      );
    }
    this.d.emit({ type: 'inbound.changed', data: this.status() });
  }

  /** attach lets a live listener move when the port setting changes; it returns the function that detaches it. */
  attach(move: InboundMove): () => void {
    this.move = move;
    return () => {
      if (this.move === move) this.move = undefined;
    };
  }

  /** handlers serves `system.info` and `system.setInboundPort` (which stores the port only once a live listener has moved to it). */
  handlers(): { [M in SystemMethod]: (args: ApiArgs<M>) => Promise<ApiOutputs[M]> | ApiOutputs[M] } {
    return {
      'system.info': () => ({ inbound: this.status() }),
      'system.setInboundPort': async (a) => {
        await this.move?.(a.port);
        writeAppSetting(this.d.store, 'inbound.port', a.port);
        const inbound = this.status();
        this.d.emit({ type: 'inbound.changed', data: inbound });
        return { inbound };
      },
    };
  }
}

/** DesktopPortChoice is the port the desktop app asks for, what chose it, and a warning about an ignored STANDBY_PORT. */
export interface DesktopPortChoice {
  port: number;
  from: InboundPortSource;
  warning?: string;
}

/**
 * desktopInboundPort picks the desktop app's inbound port: STANDBY_PORT when it is a port (0 to
 * 65535; 0 is any free port), else the port stored in Settings, else DEFAULT_PORT. A STANDBY_PORT
 * that is not a port is ignored with a warning, never a start that fails.
 */
export function desktopInboundPort(env: string | undefined, stored: number | null): DesktopPortChoice {
  let warning: string | undefined;
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env.trim());
    if (/^\d+$/.test(env.trim()) && n <= 65535) return { port: n, from: 'STANDBY_PORT' };
    warning = `STANDBY_PORT=${JSON.stringify(env.slice(0, 40))} is not a port (0 to 65535), so it is ignored`;
  }
  const choice: DesktopPortChoice = stored !== null ? { port: stored, from: 'settings' } : { port: DEFAULT_PORT, from: 'default' };
  return warning === undefined ? choice : { ...choice, warning };
}
