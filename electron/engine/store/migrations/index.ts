/**
 * The migrations, in order. One file per migration, numbered; never edit one that has shipped,
 * add the next number instead. A test fails when a file here is missing from this list.
 */
import type { DatabaseSync } from 'node:sqlite';
import { m001Initial } from './001-initial.ts';
import { m002Integrations } from './002-integrations.ts';
import { m003Monitors } from './003-monitors.ts';
import { m004Delivery } from './004-delivery.ts';
import { m005Installation } from './005-installation.ts';
import { m006AppSettings } from './006-app-settings.ts';
import { m007SecretBindings } from './007-secret-bindings.ts';
import { m008Responders } from './008-responders.ts';
import { m009AnswerTests } from './009-answer-tests.ts';
import { m010Devices } from './010-devices.ts';
import { m011DueTimers } from './011-due-timers.ts';
import { m012PageFailures } from './012-page-failures.ts';
import { m013DuePagesByContact } from './013-due-pages-by-contact.ts';
import { m014OpenJobs } from './014-open-jobs.ts';
import { m015LateAttempts } from './015-late-attempts.ts';
import { m016DedupPerIntegration } from './016-dedup-per-integration.ts';
import { m017JobKeysByIncident } from './017-job-keys-by-incident.ts';
import { m018EscalationOnIncident } from './018-escalation-on-incident.ts';

/** Migration is one numbered schema change. */
export interface Migration {
  version: number;
  name: string;
  /** up applies it; `from` is the schema version the database had before this run (0: it is being created). */
  up: (db: DatabaseSync, from: number) => void;
}

/** migrations lists every migration, oldest first. */
export const migrations: Migration[] = [m001Initial, m002Integrations, m003Monitors, m004Delivery, m005Installation, m006AppSettings, m007SecretBindings, m008Responders, m009AnswerTests, m010Devices, m011DueTimers, m012PageFailures, m013DuePagesByContact, m014OpenJobs, m015LateAttempts, m016DedupPerIntegration, m017JobKeysByIncident, m018EscalationOnIncident];

for (const [i, m] of migrations.entries()) {
  if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
}
