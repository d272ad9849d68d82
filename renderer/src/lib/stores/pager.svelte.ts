/**
 * PagerState makes a browser tab a pager (headless, the tab is the desktop): a browser notification
 * per page once the person allowed them (a click opens the incident), the count of triggered
 * incidents in the tab's title and favicon, the alarm for a high-urgency page (tab-alarm.svelte.ts),
 * and, when the tab comes back (its event stream reconnected, or a new tab opened), the incidents
 * paged while it was away.
 *
 * "Away" is measured in incident ids, not clocks: the highest incident id any tab of this origin has
 * seen is kept in localStorage, and a triggered incident with a higher id was paged while no tab saw
 * it. The server sends a tab that connects the desktop pages that waited for one (within the retry
 * window): those come as pages of their own, so the "while away" notification, shown a moment after
 * the tab is back, leaves them out. In the Electron window the shell shows OS notifications, so none
 * of this is used there.
 */
import type { ApiEvents } from '../../../../electron/shared/api.ts';
import type { Incident } from '../../../../electron/shared/schemas.ts';
import { call, hasBridge } from '../api-client.ts';
import { confirmShown } from '../confirmations.ts';
import { tabAlarm } from './tab-alarm.svelte.ts';

/** SEEN_KEY is the localStorage key of the highest incident id a tab has seen. */
export const SEEN_KEY = 'standby.seenIncidentId';
/** TRIGGERED_LIMIT bounds the triggered incidents read for the count and the "while away" list. */
const TRIGGERED_LIMIT = 100;
/** BASE_TITLE is the tab's title with nothing triggered. */
export const BASE_TITLE = 'Standby';
/** REFRESH_DEBOUNCE_MS gathers a burst of incident events into one read. */
const REFRESH_DEBOUNCE_MS = 200;
/** AWAY_NOTICE_MS is how long after the tab is back the "while away" notification waits for the pages that waited for a tab. */
export const AWAY_NOTICE_MS = 3_000;

/** PagerPermission is the browser's notification permission, 'checking' until it is known, or why there is none to ask for. */
export type PagerPermission = NotificationPermission | 'checking' | 'unsupported' | 'desktop-app';

/** permissionOf reads a Permissions API state in the Notification API's words ("prompt" is "default"). */
export function permissionOf(state: PermissionState): NotificationPermission {
  return state === 'prompt' ? 'default' : state;
}

/** tabTitle is the title for a triggered count. */
export function tabTitle(triggered: number): string {
  return triggered > 0 ? `(${triggered}) ${BASE_TITLE}: ${triggered} triggered` : BASE_TITLE;
}

/** badgeIcon is a favicon (an SVG data URL, allowed by the CSP's img-src) with the count on a red disc. */
export function badgeIcon(triggered: number): string {
  const text = triggered > 99 ? '99+' : String(triggered);
  const size = text.length > 2 ? 13 : 17;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="16" fill="#d93025"/><text x="16" y="22" font-family="sans-serif" font-size="${size}" font-weight="700" fill="#fff" text-anchor="middle">${text}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

function readSeen(): number | null {
  try {
    const text = localStorage.getItem(SEEN_KEY);
    const v = Number(text);
    return text !== null && Number.isInteger(v) && v >= 0 ? v : null;
  } catch {
    return null;
  }
}

function writeSeen(id: number): void {
  try {
    const stored = readSeen();
    if (stored === null || stored < id) localStorage.setItem(SEEN_KEY, String(id));
  } catch {
    // Storage unavailable: the "while away" list is then only for this tab's reconnects.
  }
}

/** PagerState holds the permission, the triggered count and what was paged while the tab was away. */
export class PagerState {
  permission = $state<PagerPermission>('unsupported');
  triggered = $state(0);
  /** away are the incidents paged while no tab saw them (still triggered when the tab came back). */
  away = $state<Incident[]>([]);
  #seen: number | null = null;
  /** awaySince is the highest id seen when the tab went away, while the "while away" check is due (undefined: not due). */
  #awaySince: number | null | undefined = undefined;
  /** pagedSince are the incidents this tab showed a page for since it came back, until the "while away" notification (which leaves them out). */
  #pagedSince: number[] | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #baseIcon: string | null = null;
  /** openIncident is how a click on a notification opens an incident (set by the window). */
  openIncident: (id: number) => void = () => {};

  /** start follows the permission, reads the highest id seen by earlier tabs, then the triggered incidents. */
  start(openIncident: (id: number) => void): void {
    this.openIncident = openIncident;
    if (hasBridge()) this.permission = 'desktop-app';
    else if (typeof Notification === 'undefined') this.permission = 'unsupported';
    else void this.#followPermission();
    this.#seen = readSeen();
    this.#awaySince = this.#seen;
    this.#pagedSince = [];
    void this.refresh();
  }

  /**
   * followPermission reads the notification permission through the Permissions API and follows its
   * changes: allowed or blocked in the browser's site settings while the tab is open, the banner says
   * so at once (a tab whose notifications were blocked meanwhile would otherwise say nothing while its
   * pages stay inside it). The API answers asynchronously; `Notification.permission` is a synchronous
   * call to the browser's process, read only where the API is missing.
   */
  async #followPermission(): Promise<void> {
    this.permission = 'checking';
    try {
      const status = await navigator.permissions.query({ name: 'notifications' });
      this.permission = permissionOf(status.state);
      status.onchange = () => {
        this.permission = permissionOf(status.state);
      };
    } catch {
      this.permission = Notification.permission;
    }
  }

  /** enable asks the browser for permission to show notifications (it must follow a click). */
  async enable(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    this.permission = await Notification.requestPermission();
  }

  /** granted tells whether browser notifications may be shown now (read directly while the permission is being checked). */
  #granted(): boolean {
    if (typeof Notification === 'undefined') return false;
    return (this.permission === 'checking' ? Notification.permission : this.permission) === 'granted';
  }

  /** notify shows a browser notification for a page; a click focuses the tab and opens the incident. */
  notify(n: ApiEvents['notification.desktop']): void {
    if (n.incidentId > 0) {
      this.#see(n.incidentId);
      this.#pagedSince?.push(n.incidentId);
    }
    tabAlarm.page(n);
    if (!this.#granted()) return;
    const shown = new Notification(n.title, { body: n.body, tag: n.incidentId > 0 ? `standby-incident-${n.incidentId}` : 'standby-test', requireInteraction: n.urgency === 'high' });
    // Shown by the browser, the page has reached someone even while this tab is in the background.
    const deliveryId = n.deliveryId;
    if (deliveryId) shown.onshow = () => confirmShown(deliveryId);
    shown.onclick = () => {
      window.focus();
      if (n.incidentId > 0) this.openIncident(n.incidentId);
      shown.close();
    };
  }

  /** reconnected is called when the event stream is back after a gap: what was paged meanwhile is shown. */
  reconnected(): void {
    this.#awaySince = this.#seen;
    this.#pagedSince = [];
    void this.refresh();
  }

  /** changed is called on an incident event: it is seen now, and the count is read again soon. */
  changed(incident: Incident): void {
    this.#see(incident.id);
    tabAlarm.changed(incident);
    if (incident.status !== 'triggered') this.away = this.away.filter((i) => i.id !== incident.id);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  /** dismissAway hides the "while away" list. */
  dismissAway(): void {
    this.away = [];
  }

  /** refresh reads the triggered incidents: the count for the title, and (after a gap) those paged while away. */
  async refresh(): Promise<void> {
    let list: { incidents: Incident[]; total: number };
    const asked = tabAlarm.mark();
    try {
      list = await call('incidents.list', { status: ['triggered'], limit: TRIGGERED_LIMIT });
    } catch {
      return;
    }
    this.triggered = list.total;
    this.#showCount(list.total);
    if (list.total <= list.incidents.length) tabAlarm.stillTriggered(list.incidents.map((i) => i.id), asked);
    const newest = list.incidents.reduce((m, i) => Math.max(m, i.id), 0);
    if (this.#awaySince !== undefined) {
      const seen = this.#awaySince;
      this.#awaySince = undefined;
      const missed = seen === null ? [] : list.incidents.filter((i) => i.id > seen && !this.away.some((a) => a.id === i.id));
      if (missed.length > 0) {
        this.away = [...missed, ...this.away];
        tabAlarm.ringAway(missed);
      }
      // The pages that waited for a tab arrive meanwhile, each as its own notification: not twice.
      const paged = this.#pagedSince;
      setTimeout(() => {
        if (this.#pagedSince === paged) this.#pagedSince = undefined;
        this.#notifyAway(missed.filter((i) => !paged?.includes(i.id) && this.away.some((a) => a.id === i.id)));
      }, AWAY_NOTICE_MS);
    }
    // Everything this tab has now read counts as seen (a brand-new browser starts from here).
    this.#see(newest);
  }

  #see(id: number): void {
    if (this.#seen === null || id > this.#seen) this.#seen = id;
    writeSeen(this.#seen);
  }

  #notifyAway(missed: Incident[]): void {
    if (missed.length === 0 || !this.#granted()) return;
    const title = missed.length === 1 ? `Paged while this tab was away: #${missed[0]!.number}` : `${missed.length} incidents paged while this tab was away`;
    const shown = new Notification(title, { body: missed.map((i) => i.title).slice(0, 3).join('\n'), tag: 'standby-away' });
    shown.onclick = () => {
      window.focus();
      if (missed.length === 1) this.openIncident(missed[0]!.id);
      shown.close();
    };
  }

  #showCount(triggered: number): void {
    if (hasBridge() || typeof document === 'undefined') return;
    document.title = tabTitle(triggered);
    const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (!link) return;
    if (this.#baseIcon === null) this.#baseIcon = link.getAttribute('href');
    const href = triggered > 0 ? badgeIcon(triggered) : (this.#baseIcon ?? './favicon.svg');
    if (link.getAttribute('href') !== href) {
      link.setAttribute('href', href);
      link.type = 'image/svg+xml';
    }
  }
}

/** pager is the window's pager. */
export const pager = new PagerState();
