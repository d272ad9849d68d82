/**
 * DesktopState is the desktop app's own settings (`desktop.settings`): whether Standby starts at
 * login, hidden in the tray. Only the desktop window shows them; the shell applies a change at once.
 */
import type { DesktopSettings } from '../../../../electron/shared/desktop-schemas.ts';
import { call, errorMessage } from '../api-client.ts';

/** DesktopState holds the settings, the last error and whether a change is being saved. */
export class DesktopState {
  settings = $state<DesktopSettings | null>(null);
  error = $state<string | null>(null);
  saving = $state(false);

  /** load fetches the settings. */
  load = async (): Promise<void> => {
    try {
      this.settings = await call('desktop.settings', {});
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  };

  /** setStartAtLogin switches start at login on or off. */
  setStartAtLogin = async (on: boolean): Promise<void> => {
    this.saving = true;
    try {
      this.settings = await call('desktop.updateSettings', { startAtLogin: on });
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.saving = false;
    }
  };
}

/** desktop is the window's view of the desktop settings. */
export const desktop = new DesktopState();
