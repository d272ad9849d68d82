/**
 * RemoteLinkState is the desktop app's link to an always-on box, as the window shows it (Settings →
 * This computer, the connect screen `#/connect`, the "not connected" banner): local or the tray of a
 * box (`remote.status`, kept current by `remote.changed`); "Connect to a Standby server" (`remote.pair`)
 * and "Use this computer on its own" (`remote.disconnect`, after a confirmation). A headless server
 * answers `canConnect: false`: a browser on the box has nothing to connect.
 */
import type { RemoteStatus } from '../../../../electron/shared/api.ts';
import { ApiClientError, call, errorMessage } from '../api-client.ts';
import { confirmation } from './confirm.svelte.ts';

/** PairForm is the connect form's fields. */
export interface PairForm {
  url: string;
  code: string;
  name: string;
  copyConfig: boolean;
}

/** RemoteLinkState holds the link's status and the connect form. */
export class RemoteLinkState {
  status = $state<RemoteStatus | null>(null);
  error = $state<string | null>(null);
  fieldErrors = $state<Partial<Record<keyof PairForm, string>>>({});
  busy = $state(false);
  /** paired says a pairing just went through (the window reloads onto the box in a moment). */
  paired = $state<string | null>(null);
  form = $state<PairForm>({ url: 'https://', code: '', name: 'My computer', copyConfig: true });

  /** load reads the link's status. */
  load = async (): Promise<void> => {
    try {
      this.status = await call('remote.status', {});
    } catch (err) {
      this.error = errorMessage(err);
    }
  };

  /** set takes a `remote.changed` event. */
  set(s: RemoteStatus): void {
    this.status = s;
  }

  /** pair sends the connect form; the app then restarts as the box's tray and reloads this window. */
  pair = async (): Promise<void> => {
    this.busy = true;
    this.error = null;
    this.fieldErrors = {};
    try {
      const r = await call('remote.pair', { ...this.form });
      this.status = r.status;
      this.paired = r.copied
        ? `Paired. This computer's configuration was copied to the box (${r.copied.services} services, ${r.copied.monitors} monitors, ${r.copied.contactMethods} contact methods); enter its secrets again there. Switching to the box…`
        : 'Paired. Switching to the box…';
    } catch (err) {
      if (err instanceof ApiClientError && err.issues.length > 0) {
        const fields: Partial<Record<keyof PairForm, string>> = {};
        for (const i of err.issues) if (i.path in this.form) fields[i.path as keyof PairForm] ??= i.message;
        this.fieldErrors = fields;
        this.error = Object.keys(fields).length === err.issues.length ? null : errorMessage(err);
      } else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  };

  /** askDisconnect asks before returning this computer to running on its own. */
  askDisconnect = (): void => {
    const s = this.status;
    if (s?.mode !== 'remote') return;
    confirmation.ask({
      title: `Stop being the tray of ${s.box}?`,
      confirmLabel: 'Use this computer on its own',
      blockers: [],
      effects: [
        `This computer is unpaired on ${s.box} (when it can be reached) and its token is removed from the keychain.`,
        'Standby starts its own engine here again, with the configuration it had before it paired: the box keeps paging you, so check that only one of them pages your phone.',
      ],
      run: () => this.disconnect(),
    });
  };

  private async disconnect(): Promise<void> {
    try {
      this.status = await call('remote.disconnect', {});
    } catch (err) {
      this.error = errorMessage(err);
    }
  }
}

/** remote is the window's link to a box. */
export const remote = new RemoteLinkState();
