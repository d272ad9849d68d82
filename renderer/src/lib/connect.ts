/**
 * "Connect to a Standby server": using the desktop app as the tray of a Standby that runs elsewhere (a
 * box at home) instead of setting up this one. The route shows the connect screen (ConnectView).
 */

/** CONNECT_ROUTE is the location hash of "Connect to a Standby server". */
export const CONNECT_ROUTE = '#/connect';

/** openConnect shows the connect screen. */
export function openConnect(): void {
  window.location.hash = CONNECT_ROUTE;
}
