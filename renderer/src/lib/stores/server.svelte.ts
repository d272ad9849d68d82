/**
 * ServerState is where this Standby's HTTP server listens (`system.server`): its URL, whether the
 * LAN may reach it, the names it answers to, and the TLS certificate with the fingerprint a person
 * compares with what the browser shows before trusting it.
 */
import type { ServerInfo } from '../../../../electron/shared/api.ts';
import { call, errorMessage } from '../api-client.ts';

/** ServerState holds the last `system.server` answer. */
export class ServerState {
  info = $state<ServerInfo | null>(null);
  error = $state<string | null>(null);

  /** load fetches where the server listens. */
  async load(): Promise<void> {
    try {
      this.info = await call('system.server', {});
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }
}

/** server is the settings page's view of the HTTP server. */
export const server = new ServerState();
