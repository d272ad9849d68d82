/**
 * "Connect to a Standby server": using this window with a Standby that runs elsewhere (a box at home)
 * instead of setting up this one. CONNECT_ROUTE is the placeholder the remote pairing hooks: for now the
 * route shows Settings (nav.svelte.ts parses it so), where a paired device's details are.
 */

/** CONNECT_ROUTE is the location hash of "Connect to a Standby server". */
export const CONNECT_ROUTE = '#/connect';

/** openConnect leads to connecting to a Standby server (the placeholder route, for now Settings). */
export function openConnect(): void {
  window.location.hash = CONNECT_ROUTE;
}
