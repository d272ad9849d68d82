/**
 * The tray's line about its box (tray-link.ts): connected, connecting, not connected since when and
 * why, unpaired on the box; and the menu it makes while the box is not heard (no incidents it cannot know).
 */
import { describe, expect, it } from 'vitest';
import type { RemoteStatus } from '../../electron/shared/api.ts';
import { boxName, disconnectedState, trayLink } from '../../electron/main/tray-link.ts';
import { trayMenu, type TrayMenuActions } from '../../electron/main/tray-model.ts';

const at = new Date(2026, 11, 3, 3, 12).toISOString();
const remote = (o: Partial<Extract<RemoteStatus, { mode: 'remote' }>>): RemoteStatus => ({ mode: 'remote', box: 'https://192.168.1.5:8730', fingerprint256: 'AA:BB', deviceName: 'Laptop', connected: false, since: at, reason: 'x', revoked: false, ...o });

describe('the tray line about the box', () => {
  it('is absent in local mode and names the box by host and port', () => {
    expect(trayLink({ mode: 'local', canConnect: true })).toBeUndefined();
    expect(boxName('https://pi.local')).toBe('pi.local');
    expect(trayLink(remote({ connected: true, reason: null }))).toMatchObject({ connected: true, label: 'Connected to 192.168.1.5:8730' });
  });

  it('says since when and why it is not connected, and offers to try again', () => {
    const link = trayLink(remote({ reason: 'https://192.168.1.5:8730 cannot be reached (ECONNREFUSED)' }))!;
    expect(link.label).toBe('Not connected to 192.168.1.5:8730 since 03:12');
    const state = disconnectedState(link);
    expect(state).toMatchObject({ disconnected: true, alert: false, incidents: [] });
    expect(state.tooltip).toBe('Standby\nNot connected to 192.168.1.5:8730 since 03:12\nhttps://192.168.1.5:8730 cannot be reached (ECONNREFUSED)');
    const clicked: string[] = [];
    const actions = { reconnect: () => clicked.push('reconnect'), openConnect: () => clicked.push('connect'), openDashboard: () => clicked.push('dashboard'), quit: () => clicked.push('quit') } as unknown as TrayMenuActions;
    const menu = trayMenu(state, actions);
    expect(menu.map((i) => ('label' in i ? i.label : '—'))).toEqual(['Not connected to 192.168.1.5:8730 since 03:12', 'https://192.168.1.5:8730 cannot be reached (ECONNREFUSED)', 'Try again now', '—', 'Open dashboard', '—', 'Quit Standby']);
    (menu[2] as { click: () => void }).click();
    expect(clicked).toEqual(['reconnect']);
  });

  it('while connecting says so without a time; unpaired on the box offers to pair again', () => {
    expect(trayLink(remote({ reason: 'connecting' }))!.label).toBe('Connecting to 192.168.1.5:8730…');
    const link = trayLink(remote({ revoked: true, reason: 'this device was unpaired on the box' }))!;
    expect(link.label).toBe('Unpaired on 192.168.1.5:8730 at 03:12');
    const clicked: string[] = [];
    const menu = trayMenu(disconnectedState(link), { openConnect: () => clicked.push('connect') } as unknown as TrayMenuActions);
    const again = menu.find((i) => 'label' in i && i.label === 'Pair again…') as { click: () => void };
    again.click();
    expect(clicked).toEqual(['connect']);
  });
});
