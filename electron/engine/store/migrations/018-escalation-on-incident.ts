/**
 * Migration 18: an incident's escalation timer is kept on its own row (`incidents.escalate_at`), not as
 * a job. Every high-urgency incident had one: a job row with four index entries (its key, the pending
 * jobs, the due timers), written when it opened and written again when it was acknowledged or resolved.
 * That was about half of what a paging incident costs ingest beyond a quiet one (docs/performance.md,
 * twenty-fifth round). Now it is a column of a row written anyway, and one entry in a partial index of
 * the incidents with a timer running. The pending escalation jobs of the incidents still triggered at the
 * level, round and plan cycle they were planned for move onto their incidents; every other pending one
 * was stale (its incident acknowledged or escalated since) and would have done nothing when due. The moved
 * and the stale rows are ended as cancelled: their incidents hold what is left of them.
 */
import type { Migration } from './index.ts';

export const m018EscalationOnIncident: Migration = {
  version: 18,
  name: '018-escalation-on-incident',
  up(db) {
    // Idempotent, as the others are (a database put back to an older schema version runs it again).
    const columns = db.prepare('PRAGMA table_info(incidents)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'escalate_at')) db.exec('ALTER TABLE incidents ADD COLUMN escalate_at INTEGER');
    db.exec(`
      UPDATE incidents SET escalate_at = (
          SELECT MIN(j.due_at) FROM jobs j
            WHERE j.incident_id = incidents.id AND j.kind = 'escalate' AND j.state = 'pending'
              AND json_extract(j.payload_json, '$.level') = incidents.escalation_level
              AND json_extract(j.payload_json, '$.round') = incidents.escalation_round
              AND json_extract(j.payload_json, '$.cycle') = incidents.cycle)
        WHERE status = 'triggered' AND escalate_at IS NULL;
      UPDATE jobs SET state = 'cancelled', done_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE kind = 'escalate' AND state = 'pending';
      CREATE INDEX IF NOT EXISTS incidents_escalation_due ON incidents (escalate_at) WHERE escalate_at IS NOT NULL;
    `);
  },
};
