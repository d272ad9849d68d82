/**
 * The `remote.*` methods of the contract, as the desktop app answers them in either mode (no `electron`
 * import: the shell routes `remote.*` calls here and every other call to its local engine or its box):
 *
 * - `remote.status`: local, or the box and whether it is heard now (since when, why not);
 * - `remote.pair`: "Connect to a Standby server": pair with the code the box shows, keep the token in
 *   the keychain and the pinned certificate beside the data, optionally copy this computer's
 *   configuration to the box (secrets are entered again there: the export holds none), then the shell
 *   stops the local engine and becomes the box's tray (one pager per person);
 * - `remote.disconnect`: back to this computer on its own; the device unpairs itself on the box when
 *   it can.
 *
 * A headless server answers these methods too (remoteHandlersWithoutDesktop): it is a box, never a tray.
 */
import { apiSchemas, type ApiMethod, type ApiOutputs, type ImportSummary, type RemoteStatus } from '../../shared/api.ts';
import { ApiError, invalidInput } from '../../shared/errors.ts';
import type { DesktopSettings } from '../../shared/desktop-schemas.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { writeDeviceSettings } from './device-settings.ts';
import { forgetLink, pinOf, readLink, saveLink, type DeviceLink } from './device-link.ts';
import { pairWithBox, PairingError, type Paired } from './pair-client.ts';
import { RemoteClient } from './remote-client.ts';

/** REMOTE_METHODS are the methods the desktop app answers itself, in either mode. */
export const REMOTE_METHODS = ['remote.status', 'remote.pair', 'remote.disconnect'] as const satisfies readonly ApiMethod[];
type RemoteMethod = (typeof REMOTE_METHODS)[number];

/** isRemoteMethod tells whether a method is one of REMOTE_METHODS. */
export function isRemoteMethod(method: string): method is RemoteMethod {
  return (REMOTE_METHODS as readonly string[]).includes(method);
}

/** NOT_HERE is what a headless server says to `remote.pair` and `remote.disconnect`. */
const NOT_HERE = 'This Standby is a server: the desktop app connects to it (Settings → This computer in the app); a server is not another server\'s tray.';

/** remoteHandlersWithoutDesktop are the engine's own answers to `remote.*`: a headless server is always local and cannot connect. */
export function remoteHandlersWithoutDesktop(): { [M in RemoteMethod]: () => ApiOutputs[M] } {
  return {
    'remote.status': () => ({ mode: 'local', canConnect: false }),
    'remote.pair': () => {
      throw new ApiError('conflict', NOT_HERE);
    },
    'remote.disconnect': () => {
      throw new ApiError('conflict', NOT_HERE);
    },
  };
}

/** DesktopLinkOptions are what the desktop app's link needs. */
export interface DesktopLinkOptions {
  dataDir: string;
  /** secrets keeps the device's token (the OS keychain, or the secrets file). */
  secrets: SecretStore;
  now: () => number;
  /** status is the link as it is now (the shell knows whether the box is heard). */
  status: () => RemoteStatus;
  /** localConfig exports this computer's configuration (YAML), in local mode only. */
  localConfig?: () => Promise<string>;
  /** localDesktopSettings are the local engine's desktop settings, carried over to remote mode (local mode only). */
  localDesktopSettings?: () => Promise<DesktopSettings>;
  /** switchMode is called once a pairing or a disconnection is kept: the shell restarts in the other mode. */
  switchMode: () => void;
  log: (line: string) => void;
  /** pair is pairWithBox (tests give their own timeouts). */
  pair?: typeof pairWithBox;
}

/** DesktopLink answers the `remote.*` methods for the desktop app. */
export class DesktopLink {
  private readonly o: DesktopLinkOptions;
  private busy = false;

  constructor(o: DesktopLinkOptions) {
    this.o = o;
  }

  /** call validates the input against the contract and runs one `remote.*` method. */
  async call(method: RemoteMethod, input: unknown): Promise<unknown> {
    const parsed = apiSchemas[method].safeParse(input ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    if (method === 'remote.status') return this.o.status();
    if (this.busy) throw new ApiError('conflict', 'Standby is already connecting or disconnecting; wait for it to finish');
    this.busy = true;
    try {
      if (method === 'remote.pair') return await this.pair(parsed.data as { url: string; code: string; name: string; copyConfig: boolean });
      return await this.disconnect();
    } finally {
      this.busy = false;
    }
  }

  private async pair(a: { url: string; code: string; name: string; copyConfig: boolean }): Promise<ApiOutputs['remote.pair']> {
    const now = this.o.status();
    if (now.mode === 'remote' && !now.revoked) {
      throw new ApiError('conflict', `This computer is already the tray of ${now.box}. To pair with another box, choose "Use this computer on its own" first.`);
    }
    let paired: Paired;
    try {
      paired = await (this.o.pair ?? pairWithBox)({ url: a.url, code: a.code, name: a.name });
    } catch (err) {
      if (!(err instanceof PairingError || (err as Error).name === 'CertificateMismatchError')) throw err;
      const message = (err as Error).message;
      const field = /code/i.test(message) ? 'code' : 'url';
      throw new ApiError('invalid_input', message, [{ path: field, message }]);
    }
    let copied: ImportSummary | null = null;
    if (a.copyConfig && this.o.localConfig) {
      const box = new RemoteClient({ pin: paired.pin, token: paired.token });
      try {
        copied = await box.call('config.import', { text: await this.o.localConfig(), format: 'yaml' });
        // Moved in with a configuration, the box needs no guided first run.
        await box.call('setup.update', { status: 'done', step: 'done' }).catch(() => {});
      } catch (err) {
        // Nothing is half done: the new device is unpaired again and this computer stays as it was.
        await box.call('devices.revoke', { id: paired.device.id }).catch(() => {});
        throw new ApiError('conflict', `Paired with ${paired.pin.url}, but copying this computer's configuration there failed (${(err as Error).message}), so nothing changed: this computer still runs on its own. Pair again with a new code, without copying or after fixing that.`);
      }
    }
    const previous = readLink(this.o.dataDir);
    if (previous) await forgetLink(this.o.dataDir, this.o.secrets, previous);
    const link = await saveLink(this.o.dataDir, this.o.secrets, paired, a.name, this.o.now());
    // Start at login and the alarm stay as the person set them.
    if (this.o.localDesktopSettings) writeDeviceSettings(this.o.dataDir, await this.o.localDesktopSettings());
    this.o.log(`paired with ${link.url} as "${link.deviceName}" (device ${link.deviceId}, certificate SHA-256 ${link.fingerprint256})${copied ? '; this computer\'s configuration was copied there' : ''}`);
    this.o.switchMode();
    return { status: connecting(link, this.o.now()), copied };
  }

  private async disconnect(): Promise<RemoteStatus> {
    const link = readLink(this.o.dataDir);
    if (!link) throw new ApiError('conflict', 'This computer is not connected to a Standby server: it already runs on its own.');
    // The box's list of devices should not keep a device that left; a box that cannot be reached keeps it until unpaired there.
    const token = await this.o.secrets.get(link.tokenRef).catch(() => null);
    if (token) {
      // Bounded: a box that does not answer must not hold the person's click for long.
      const client = new RemoteClient({ pin: pinOf(link), token, callTimeoutMs: 5_000 });
      await client.call('devices.revoke', { id: link.deviceId }).catch((err: Error) => this.o.log(`could not unpair this computer on ${link.url} (${err.message}); unpair it there`));
    }
    await forgetLink(this.o.dataDir, this.o.secrets, link);
    this.o.log(`no longer connected to ${link.url}: Standby runs on this computer on its own`);
    this.o.switchMode();
    return { mode: 'local', canConnect: true };
  }
}

/** connecting is a new link's status before its event stream is open. */
export function connecting(link: DeviceLink, now: number): RemoteStatus {
  return { mode: 'remote', box: link.url, fingerprint256: link.fingerprint256, deviceName: link.deviceName, connected: false, since: new Date(now).toISOString(), reason: 'connecting', revoked: false };
}
