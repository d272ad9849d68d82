/**
 * What the tray shows of its box in remote mode (no `electron` import, unit-tested in Node): a line
 * "Connected to 192.168.1.5" while the box is heard; otherwise the tray's own state, with its own icon
 * and no incidents (it cannot know them, and acting on them would not reach the box): "Not connected
 * to 192.168.1.5 since 03:12", why, and "Try again now"; or, unpaired on the box, "Pair again…".
 */
import type { RemoteStatus } from '../shared/api.ts';
import type { TrayState } from './tray-model.ts';

/** TrayLink is the tray's line about its box. */
export interface TrayLink {
  connected: boolean;
  /** label is "Connected to 192.168.1.5", "Not connected to 192.168.1.5 since 03:12" or "Unpaired on 192.168.1.5 at 03:12". */
  label: string;
  /** reason says why the box is not heard (undefined while connected). */
  reason: string | undefined;
  revoked: boolean;
}

/** hhmm is a time of day on this computer's clock. */
function hhmm(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** boxName is the box as a person calls it: its host, with the port when it is not HTTPS's own. */
export function boxName(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** trayLink is the tray's line for a link to a box (undefined in local mode). */
export function trayLink(s: RemoteStatus): TrayLink | undefined {
  if (s.mode === 'local') return undefined;
  const box = boxName(s.box);
  if (s.connected) return { connected: true, label: `Connected to ${box}`, reason: undefined, revoked: false };
  // "connecting" at start is not yet a cut: it says so without a time.
  if (s.reason === 'connecting') return { connected: false, label: `Connecting to ${box}…`, reason: undefined, revoked: false };
  if (s.revoked) {
    // Unpaired on the box, or this computer lost its token (the keychain was cleared): either way, pair again.
    const unpaired = s.reason === null || /unpaired on the box/i.test(s.reason);
    return {
      connected: false,
      label: unpaired ? `Unpaired on ${box} at ${hhmm(s.since)}` : `Cannot reach ${box} any more: pair again`,
      reason: unpaired ? 'This computer was unpaired on the box: pair it again, or use Standby on this computer on its own.' : (s.reason ?? undefined),
      revoked: true,
    };
  }
  return { connected: false, label: `Not connected to ${box} since ${hhmm(s.since)}`, reason: s.reason ?? undefined, revoked: false };
}

/** disconnectedState is the whole tray while the box is not heard: its icon, and the link's lines only. */
export function disconnectedState(link: TrayLink): TrayState {
  return {
    alert: false,
    disconnected: true,
    tooltip: ['Standby', link.label, ...(link.reason ? [link.reason] : [])].join('\n'),
    title: '',
    incidents: [],
    more: 0,
    inbound: undefined,
    monitoring: undefined,
    link,
  };
}
