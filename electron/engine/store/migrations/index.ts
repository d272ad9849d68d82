/**
 * The migrations, in order. One file per migration, numbered; never edit one that has shipped,
 * add the next number instead. A test fails when a file here is missing from this list.
 */
import type { DatabaseSync } from 'node:sqlite';
import { m001Initial } from './001-initial.ts';
import { m002Integrations } from './002-integrations.ts';
import { m003Monitors } from './003-monitors.ts';
import { m004Delivery } from './004-delivery.ts';
import { m005AppSettings } from './005-app-settings.ts';

/** Migration is one numbered schema change. */
export interface Migration {
  version: number;
  name: string;
  up: (db: DatabaseSync) => void;
}

/** migrations lists every migration, oldest first. */
export const migrations: Migration[] = [m001Initial, m002Integrations, m003Monitors, m004Delivery, m005AppSettings];

for (const [i, m] of migrations.entries()) {
  if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
}
