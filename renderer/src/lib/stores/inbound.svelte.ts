/**
 * InboundState is where alerts from other tools reach Standby over HTTP (`system.info`), kept
 * current by `inbound.changed`: the URL the integrations and heartbeat pages show (in a browser, the
 * page's own server; in the desktop window, the address the app really listens on, which is not 8730
 * when that port was taken), and the Settings form that picks the desktop app's port.
 */
import type { InboundStatus } from '../../../../electron/shared/system-schemas.ts';
import { call, errorMessage, hasBridge } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';

/** InboundState holds the inbound status and the port form. */
export class InboundState {
  status = $state<InboundStatus | null>(null);
  error = $state<string | null>(null);
  form = new FormState<{ port: number | null }>({ port: null }, ['port'], 'Not saved:');

  /** baseUrl is where tools send alerts: this page's server in a browser, else the desktop app's address (null while unknown, or while alerts over HTTP are off). */
  get baseUrl(): string | null {
    if (!hasBridge() && /^https?:$/.test(window.location.protocol)) return window.location.origin;
    return this.status?.url ?? null;
  }

  /** off is true once Standby has said it takes no alerts over HTTP. */
  get off(): boolean {
    return this.status !== null && this.status.url === null && this.status.unavailable !== null;
  }

  /** load fetches the status. */
  async load(): Promise<void> {
    try {
      this.set((await call('system.info', {})).inbound);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** set takes the status from `inbound.changed` (or an answer); the form follows it unless the person is editing it. */
  set(s: InboundStatus): void {
    const shown = this.status?.settingPort ?? null;
    this.status = s;
    if (this.form.draft.port === null || this.form.draft.port === shown) this.form.draft.port = s.settingPort;
  }

  /** save picks the port: the desktop app moves there at once (or says why it cannot), elsewhere it is stored for the desktop app's next start. */
  save = async (): Promise<void> => {
    const r = await this.form.submit((d) => call('system.setInboundPort', { port: d.port as number }));
    if (r) this.set(r.inbound);
  };
}

/** inbound is the window's view of where alerts arrive. */
export const inbound = new InboundState();
