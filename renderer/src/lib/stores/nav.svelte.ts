/**
 * NavState is the window's hash router: which view it shows and which incident is open. Routes
 * are the part of the URL after `#`, as the Electron shell opens them (`/incidents/12` from a
 * notification or the tray; see electron/main/renderer-policy.ts): `/` and `/incidents` are the
 * incident list, `/incidents/<id>` one incident, `/monitors/<id>` one monitor, `/monitors`,
 * `/services`, `/policies`, `/profile`, `/analytics`, `/settings` the other views, and `/connect`
 * the desktop app's connect screen ("Connect to a Standby server", lib/connect.ts). Back and forward
 * work as in any page.
 */
import { incidentDetail } from './incident-detail.svelte.ts';
import { monitorDetail } from './monitor-detail.svelte.ts';

/** View names one page of the UI. */
export type View = 'incidents' | 'monitors' | 'services' | 'policies' | 'profile' | 'analytics' | 'settings' | 'connect';

/** VIEWS lists the pages in navigation order with their titles. */
export const VIEWS: ReadonlyArray<{ id: View; title: string }> = [
  { id: 'incidents', title: 'Incidents' },
  { id: 'monitors', title: 'Monitors' },
  { id: 'services', title: 'Services' },
  { id: 'policies', title: 'Escalation policies' },
  { id: 'profile', title: 'Profile & notifications' },
  { id: 'analytics', title: 'Analytics' },
  { id: 'settings', title: 'Settings' },
];

/** Route is a view and, for incidents and monitors, the open one (null: the list). */
export interface Route {
  view: View;
  incidentId: number | null;
  monitorId?: number | null;
}

const isId = (s: string | undefined): s is string => s !== undefined && /^\d+$/.test(s) && Number(s) > 0;

/** parseRoute reads a location hash ("#/incidents/12"); anything unknown is the incident list. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#/, '').split('?')[0]?.split('/').filter(Boolean) ?? [];
  const [first, second] = parts;
  if (first === 'incidents' && isId(second)) return { view: 'incidents', incidentId: Number(second) };
  if (first === 'monitors' && isId(second)) return { view: 'monitors', incidentId: null, monitorId: Number(second) };
  // The connect screen (the desktop app pairing with a box) is not in the navigation: Settings and the tray open it.
  if (first === 'connect') return { view: 'connect', incidentId: null };
  const view = VIEWS.find((v) => v.id === first)?.id ?? 'incidents';
  return { view, incidentId: null };
}

/** routeHash writes a route as a location hash. */
export function routeHash(r: Route): string {
  if (r.incidentId !== null) return `#/incidents/${r.incidentId}`;
  if (r.monitorId) return `#/monitors/${r.monitorId}`;
  return `#/${r.view}`;
}

/** NavState holds the current view and follows the URL's hash. */
export class NavState {
  view = $state<View>('incidents');

  /** start applies the current hash and follows its changes until the returned function is called. */
  start(): () => void {
    const onHashChange = (): void => this.#apply(parseRoute(window.location.hash));
    onHashChange();
    window.addEventListener('hashchange', onHashChange);
    window.addEventListener('popstate', onHashChange);
    return () => {
      window.removeEventListener('hashchange', onHashChange);
      window.removeEventListener('popstate', onHashChange);
    };
  }

  /** openMonitor shows one monitor's page. */
  openMonitor(id: number): void {
    this.#navigate({ view: 'monitors', incidentId: null, monitorId: id });
  }

  /** go shows a view (for incidents and monitors: the list). */
  go(view: View): void {
    this.#navigate({ view, incidentId: null });
  }

  /** openIncident shows one incident's detail. */
  openIncident(id: number): void {
    this.#navigate({ view: 'incidents', incidentId: id });
  }

  #navigate(r: Route): void {
    const hash = routeHash(r);
    if (window.location.hash !== hash) window.history.pushState(null, '', hash);
    this.#apply(r);
  }

  #apply(r: Route): void {
    this.view = r.view;
    if (r.incidentId !== null) {
      if (incidentDetail.id !== r.incidentId) void incidentDetail.open(r.incidentId);
    } else if (incidentDetail.id !== null) {
      incidentDetail.close();
    }
    if (r.monitorId) {
      if (monitorDetail.id !== r.monitorId) void monitorDetail.open(r.monitorId);
    } else if (monitorDetail.id !== null) {
      monitorDetail.close();
    }
  }
}

/** nav is the window's navigation. */
export const nav = new NavState();
