/**
 * DevicesState is Settings → "Paired devices": a one-time code to pair a device with this Standby
 * (`pairing.start`, with the certificate's fingerprint to compare on the device), the devices paired
 * so far (`devices.list`), and unpairing one (`devices.revoke`, after a confirmation), which ends its
 * token at once.
 */
import type { PairedDevice, PairingCode } from '../../../../electron/shared/api.ts';
import { call, errorMessage } from '../api-client.ts';
import { confirmation } from './confirm.svelte.ts';

/** DevicesState holds the code on screen and the device list. */
export class DevicesState {
  list = $state<PairedDevice[] | null>(null);
  code = $state<PairingCode | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);

  /** load reads the paired devices. */
  load = async (): Promise<void> => {
    try {
      this.list = await call('devices.list', {});
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  };

  /** pair makes a new one-time code and shows it. */
  pair = async (): Promise<void> => {
    this.busy = true;
    try {
      this.code = await call('pairing.start', {});
      this.error = null;
    } catch (err) {
      this.error = `No code was made: ${errorMessage(err)}`;
    } finally {
      this.busy = false;
    }
  };

  /** askRevoke asks before unpairing a device. */
  askRevoke = (d: PairedDevice): void => {
    confirmation.ask({
      title: `Unpair “${d.name}”?`,
      confirmLabel: 'Unpair device',
      blockers: [],
      effects: [`Its token stops working at once: “${d.name}” is told it was unpaired, and must be paired again with a new code.`],
      run: () => this.revoke(d),
    });
  };

  private async revoke(d: PairedDevice): Promise<void> {
    try {
      await call('devices.revoke', { id: d.id });
      await this.load();
    } catch (err) {
      this.error = `“${d.name}” was not unpaired: ${errorMessage(err)}`;
    }
  }
}

/** devices is the settings page's paired devices. */
export const devices = new DevicesState();
