import { describe, expect, it } from 'vitest';
import { alarmFor, inQuietHours } from '../../electron/shared/alarm.ts';
import { DEFAULT_DESKTOP_SETTINGS } from '../../electron/shared/desktop-schemas.ts';
import type { ApiEvent } from '../../electron/shared/api.ts';
import { testEngine } from '../helpers/engine.ts';

describe('desktop settings', () => {
  it('start at login is on by default, changes keep the rest, and each change is announced', async () => {
    const t = await testEngine();
    const events: ApiEvent[] = [];
    t.engine.on((e) => events.push(e));
    expect(await t.engine.invoke('desktop.settings', {})).toEqual(DEFAULT_DESKTOP_SETTINGS);
    expect(DEFAULT_DESKTOP_SETTINGS.startAtLogin).toBe(true);
    const off = await t.engine.invoke('desktop.updateSettings', { startAtLogin: false });
    expect(off).toEqual({ ...DEFAULT_DESKTOP_SETTINGS, startAtLogin: false });
    const alarm = { sound: true, volume: 40, quietHours: { from: '23:00', to: '07:00' } };
    expect(await t.engine.invoke('desktop.updateSettings', { alarm })).toEqual({ startAtLogin: false, alarm });
    expect(await t.engine.invoke('desktop.settings', {})).toEqual({ startAtLogin: false, alarm });
    expect(events.filter((e) => e.type === 'desktop.changed').map((e) => e.data)).toEqual([off, { startAtLogin: false, alarm }]);
    await t.engine.stop();
  });
});

describe('the alarm', () => {
  const at = (h: number, m = 0) => new Date(2026, 2, 2, h, m).getTime();
  it('plays at the set volume, not when off or at 0, nor in quiet hours (also across midnight)', () => {
    expect(alarmFor({ sound: true, volume: 30, quietHours: null }, at(12))).toEqual({ plays: true, volume: 0.3 });
    expect(alarmFor({ sound: false, volume: 30, quietHours: null }, at(12))).toEqual({ plays: false, why: 'the alarm is off in Settings' });
    expect(alarmFor({ sound: true, volume: 0, quietHours: null }, at(12)).plays).toBe(false);
    const night = { sound: true, volume: 80, quietHours: { from: '23:00', to: '07:00' } };
    expect(alarmFor(night, at(23, 30))).toEqual({ plays: false, why: 'quiet hours until 07:00' });
    expect(alarmFor(night, at(6, 59)).plays).toBe(false);
    expect(alarmFor(night, at(7, 0)).plays).toBe(true);
    expect(alarmFor(night, at(22, 59)).plays).toBe(true);
    expect(inQuietHours({ from: '12:00', to: '13:30' }, 12 * 60)).toBe(true);
    expect(inQuietHours({ from: '12:00', to: '13:30' }, 13 * 60 + 30)).toBe(false);
  });
});
