/**
 * DesktopState is the desktop app's own settings (`desktop.settings`): whether Standby starts at
 * login, hidden in the tray, and the alert window's alarm (sound, volume, quiet hours). Only the
 * desktop window shows them; the shell applies a change at once.
 */
import type { AlarmSettings, DesktopSettings } from '../../../../electron/shared/desktop-schemas.ts';
import { call, errorMessage } from '../api-client.ts';

/** DesktopState holds the settings, the last error and whether a change is being saved. */
export class DesktopState {
  settings = $state<DesktopSettings | null>(null);
  error = $state<string | null>(null);
  saving = $state(false);
  /** alarm is the alarm form: what the person is editing until saved. */
  alarm = $state<{ sound: boolean; volume: number; quiet: boolean; from: string; to: string }>({ sound: true, volume: 80, quiet: false, from: '23:00', to: '07:00' });
  /** alarmSaved says the alarm form was saved (until the next edit). */
  alarmSaved = $state(false);

  /** load fetches the settings. */
  load = async (): Promise<void> => {
    try {
      this.settings = await call('desktop.settings', {});
      this.#fillAlarm(this.settings.alarm);
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

  /** saveAlarm stores the alarm form. */
  saveAlarm = async (): Promise<void> => {
    const a = this.alarm;
    this.saving = true;
    try {
      this.settings = await call('desktop.updateSettings', { alarm: { sound: a.sound, volume: a.volume, quietHours: a.quiet ? { from: a.from, to: a.to } : null } });
      this.#fillAlarm(this.settings.alarm);
      this.alarmSaved = true;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.saving = false;
    }
  };

  #fillAlarm(a: AlarmSettings): void {
    this.alarm = { sound: a.sound, volume: a.volume, quiet: a.quietHours !== null, from: a.quietHours?.from ?? '23:00', to: a.quietHours?.to ?? '07:00' };
  }
}

/** desktop is the window's view of the desktop settings. */
export const desktop = new DesktopState();
