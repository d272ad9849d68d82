/**
 * The desktop app in remote mode, in plain Node: what the shell talks to instead of a local engine
 * when this computer is the tray of a box. It has the engine's shape for the shell (`call`, `invoke`,
 * `on`), so the window, the tray and the notifications' buttons work the same, on the box:
 *
 * - calls are forwarded to the box over the same contract (RemoteClient);
 * - the box's events reach the shell's listeners, and the link's own state is the `remote.changed`
 *   event (connected; not connected since when and why; unpaired on the box);
 * - a desktop page from the box is shown by `notify` and confirmed to the box only once shown;
 * - when the box cannot say what the app missed (it restarted), the listeners get `config.changed`
 *   for everything, which makes the window and the tray load everything again;
 * - the desktop settings (start at login, the alarm) are this computer's, kept beside the link
 *   (device-settings.ts), never the box's.
 */
import { apiSchemas, type ApiArgs, type ApiEvent, type ApiEvents, type ApiMethod, type ApiOutputs, type RemoteStatus } from '../../shared/api.ts';
import { invalidInput } from '../../shared/errors.ts';
import { readDeviceSettings, writeDeviceSettings } from './device-settings.ts';
import type { Clock } from '../clock.ts';
import { pinOf, type DeviceLink } from './device-link.ts';
import { RemoteClient, type RemoteState } from './remote-client.ts';

/** RemoteBackendOptions are the link, its token, and how to show a desktop page. */
export interface RemoteBackendOptions {
  link: DeviceLink;
  /** dataDir keeps this computer's desktop settings. */
  dataDir: string;
  /** token is the device's token, or why it cannot be read (then the app can only pair again). */
  token: string | Error;
  clock?: Clock;
  /** notify shows a desktop page from the box; true when it was shown. */
  notify: (n: ApiEvents['notification.desktop']) => boolean | Promise<boolean>;
  log: (line: string) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  silenceMs?: number;
}

/** RemoteBackend is the box, as the desktop app's shell sees it. */
export class RemoteBackend {
  private readonly link: DeviceLink;
  private readonly client: RemoteClient;
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private readonly log: (line: string) => void;
  private readonly dataDir: string;
  /** broken says why this link cannot be used at all (its token is gone): the app shows its connect screen. */
  private readonly broken: { reason: string; since: number } | undefined;

  constructor(o: RemoteBackendOptions) {
    this.link = o.link;
    this.log = o.log;
    this.dataDir = o.dataDir;
    this.broken = o.token instanceof Error ? { reason: o.token.message, since: o.clock?.now() ?? Date.now() } : undefined;
    this.client = new RemoteClient({
      pin: pinOf(o.link),
      token: o.token instanceof Error ? '' : o.token,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.minBackoffMs !== undefined ? { minBackoffMs: o.minBackoffMs } : {}),
      ...(o.maxBackoffMs !== undefined ? { maxBackoffMs: o.maxBackoffMs } : {}),
      ...(o.silenceMs !== undefined ? { silenceMs: o.silenceMs } : {}),
      log: o.log,
      // The window shows the box's monitors live, as it does a local engine's.
      liveChecks: true,
      // The box's own desktop settings are not this computer's.
      onEvent: (e) => e.type !== 'desktop.changed' && this.emit(e),
      onState: (s) => this.stateChanged(s),
      onResync: () => this.emit({ type: 'config.changed', data: { entity: 'all' } }),
      onNotify: o.notify,
    });
  }

  /** box is the box's address. */
  get box(): string {
    return this.link.url;
  }

  /** start opens the event stream; the link's state follows in `remote.changed` events. */
  start(): void {
    if (this.broken) {
      this.log(`remote mode: ${this.broken.reason}`);
      return;
    }
    this.log(`remote mode: this computer is the tray of ${this.link.url} (certificate SHA-256 ${this.link.fingerprint256}); no local engine runs`);
    this.client.start();
  }

  /** stop closes the stream. */
  stop(): Promise<void> {
    return this.client.stop();
  }

  /** wake tries the box again at once (the computer woke up or came back online). */
  wake(): void {
    this.client.wake();
  }

  /** status is the link as `remote.status` answers it. */
  status(): RemoteStatus {
    if (this.broken) {
      return { mode: 'remote', box: this.link.url, fingerprint256: this.link.fingerprint256, deviceName: this.link.deviceName, connected: false, since: new Date(this.broken.since).toISOString(), reason: this.broken.reason, revoked: true };
    }
    const s = this.client.state();
    return {
      mode: 'remote',
      box: this.link.url,
      fingerprint256: this.link.fingerprint256,
      deviceName: this.link.deviceName,
      connected: s.connected,
      since: new Date(s.since).toISOString(),
      reason: s.connected ? null : s.reason,
      revoked: !s.connected && s.revoked,
    };
  }

  /** call forwards one API method to the box (it validates the input, as it does for every client). */
  async call(method: string, input: unknown): Promise<unknown> {
    if (method === 'desktop.settings' || method === 'desktop.updateSettings') return this.desktopSettings(method, input);
    return this.client.call(method as ApiMethod, (input ?? {}) as Record<string, never>);
  }

  /** invoke is `call` with the contract's types. */
  async invoke<M extends ApiMethod>(method: M, input: ApiArgs<M> | Record<string, unknown>): Promise<ApiOutputs[M]> {
    return (await this.call(method, input)) as ApiOutputs[M];
  }

  /** on subscribes to the box's events and the link's; it returns the unsubscribe function. */
  on(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** desktopSettings answers the desktop settings from this computer's file. */
  private desktopSettings(method: 'desktop.settings' | 'desktop.updateSettings', input: unknown): ApiOutputs[typeof method] {
    const parsed = apiSchemas[method].safeParse(input ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const now = readDeviceSettings(this.dataDir);
    if (method === 'desktop.settings') return now;
    const next = { ...now, ...Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) };
    writeDeviceSettings(this.dataDir, next);
    this.emit({ type: 'desktop.changed', data: next });
    return next;
  }

  private stateChanged(s: RemoteState): void {
    if (s.connected) this.log(`connected to ${this.link.url}`);
    else this.log(`not connected to ${this.link.url}: ${s.reason}`);
    this.emit({ type: 'remote.changed', data: this.status() });
  }

  private emit(e: ApiEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log(`a listener of the box's events failed: ${(err as Error).message}`);
      }
    }
  }
}
