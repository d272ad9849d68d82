/**
 * The alert window's route, `#/alert/<incident id>`: the small always-on-top window the desktop app
 * opens for a high-urgency incident (electron/main/alert-window.ts) loads the same page on this route.
 */

/** alertRoute is the route (the hash without `#`) of one incident's alert. */
export function alertRoute(incidentId: number): string {
  return `/alert/${Math.trunc(incidentId)}`;
}

/** parseAlertRoute answers the incident id of an alert route (`#/alert/12`), or null for any other hash. */
export function parseAlertRoute(hash: string): number | null {
  const m = /^#?\/alert\/([1-9]\d{0,15})$/.exec(hash);
  return m ? Number(m[1]) : null;
}
