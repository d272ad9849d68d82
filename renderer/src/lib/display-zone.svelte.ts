/**
 * displayZone is the time zone the UI writes times in: the profile's (so the timeline, the incident
 * list and the monitors read as the person's day, wherever the browser runs), or the browser's until
 * the profile is loaded. It is state, so every time on screen is written again when it changes.
 */

import { setZoneSource } from './format.ts';

/** displayZone holds the zone (undefined: the browser's). */
export const displayZone = $state<{ timeZone: string | undefined }>({ timeZone: undefined });
setZoneSource(() => displayZone.timeZone);

/** setDisplayZone follows the profile's time zone. */
export function setDisplayZone(timeZone: string | undefined): void {
  if (displayZone.timeZone !== timeZone) displayZone.timeZone = timeZone;
}
