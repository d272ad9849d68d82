/**
 * IncidentRepo stores incidents, their timelines and the durable jobs (planned notifications,
 * escalations and timeouts) that belong to them.
 */
import type { SQLInputValue } from 'node:sqlite';
import { notFound } from '../../shared/errors.ts';
import type { Actor, Incident, IncidentStatus, LogEntry, PageFailure, Severity, Urgency } from '../../shared/schemas.ts';
import type { IncidentState, JobKind, LogDraft, PlannedJob } from '../incidents/lifecycle.ts';
import type { Store } from './database.ts';

type Row = Record<string, SQLInputValue>;

/** JobRow is one durable timer as stored. */
export interface JobRow {
  id: number;
  incidentId: number;
  kind: JobKind;
  dueAt: number;
  key: string;
  payload: Record<string, unknown>;
  state: 'pending' | 'running' | 'done' | 'cancelled';
}

/**
 * DueTimer is a timer that has fallen due: a job row's (a timeout, an auto-resolve, a snooze's end), or
 * an incident's escalation timer, kept on its own row since migration 18.
 */
export type DueTimer = { type: 'job'; job: JobRow; dueAt: number } | { type: 'escalation'; incidentId: number; dueAt: number };

/** NewIncident is what opening an incident needs. */
export interface NewIncident {
  title: string;
  serviceId: number;
  urgency: Urgency;
  severity: Severity | null;
  dedupKey: string;
  createdAt: number;
  details: Record<string, unknown>;
  /** integrationId is the integration whose event opened it (its dedup key is that integration's); null for monitors and the API. */
  integrationId?: number | null;
  /** escalateAt is level 1's escalation timer (lifecycle's escalationDue), written with the row so opening it does not write it twice. */
  escalateAt?: number | null;
}

/** PagedIncident is what a page says of its incident (notify/message.ts). */
export type PagedIncident = Pick<Incident, 'id' | 'number' | 'title' | 'serviceName' | 'urgency' | 'createdAt' | 'details'>;

/** IncidentFilter narrows `list`. */
export interface IncidentFilter {
  status?: IncidentStatus[] | undefined;
  serviceId?: number | undefined;
  urgency?: Urgency | undefined;
  /** query matches a part of the title, the service's name or the dedup key, in any case. */
  query?: string | undefined;
  limit: number;
  offset: number;
}

/**
 * PAGE_FAILURE selects an incident's newest failed page whose contact method has not delivered a page on
 * it since (a later success by the same contact method clears it; one by another contact method does not,
 * since that channel still fails), as JSON. Index: delivery_attempts_incident (migration 12).
 */
const PAGE_FAILURE = `(SELECT json_object('contactMethodId', a.contact_method_id, 'contactType', a.contact_type, 'label', cm.label, 'error', COALESCE(a.error, 'failed'), 'at', a.finished_at)
  FROM delivery_attempts a LEFT JOIN contact_methods cm ON cm.id = a.contact_method_id
  WHERE a.incident_id = i.id AND a.outcome = 'failed'
    AND NOT EXISTS (SELECT 1 FROM delivery_attempts b WHERE b.incident_id = a.incident_id AND b.contact_method_id = a.contact_method_id AND b.outcome = 'delivered' AND b.id > a.id)
  ORDER BY a.id DESC LIMIT 1) AS page_failure`;
/** INCIDENT_SELECT reads an incident for the API: its row, its service's name and its page failure. */
const INCIDENT_SELECT = `SELECT i.*, s.name AS service_name, ${PAGE_FAILURE} FROM incidents i JOIN services s ON s.id = i.service_id`;
/** INCIDENT_BY_ID is one incident's read, made once: every trigger and every `incident.changed` reads it, and a query text put together per call is a new 800-character string each time. */
const INCIDENT_BY_ID = `${INCIDENT_SELECT} WHERE i.id = ?`;

const iso = (ms: unknown): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/** IncidentRepo is the incident tables' one door. */
export class IncidentRepo {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }


  /** create inserts a triggered incident at level 1, round 1 and returns its state. */
  create(n: NewIncident): IncidentState {
    const next = this.store.prepare('SELECT COALESCE(MAX(number), 0) + 1 AS n FROM incidents').get() as { n: number };
    const res = this.store
      .prepare(`INSERT INTO incidents (number, title, service_id, urgency, severity, status, dedup_key, created_at, escalation_level, escalation_round, cycle, alert_count, details_json, updated_at, integration_id, escalate_at)
                VALUES (?, ?, ?, ?, ?, 'triggered', ?, ?, 1, 1, 1, 1, ?, ?, ?, ?)`)
      .run(next.n, n.title, n.serviceId, n.urgency, n.severity, n.dedupKey, n.createdAt, JSON.stringify(n.details), n.createdAt, n.integrationId ?? null, n.escalateAt ?? null);
    return this.state(Number(res.lastInsertRowid));
  }

  /** state loads an incident as the lifecycle sees it. */
  state(id: number): IncidentState {
    const r = this.store.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw notFound('incident', id);
    return stateFromRow(r);
  }

  /** forPage reads what a page says of an incident (no page failure, no timestamps but its start): the claim of each page reads it. */
  forPage(id: number): PagedIncident {
    const r = this.store.prepare('SELECT i.id, i.number, i.title, i.urgency, i.created_at, i.details_json, s.name AS service_name FROM incidents i JOIN services s ON s.id = i.service_id WHERE i.id = ?').get(id) as Row | undefined;
    if (!r) throw notFound('incident', id);
    return { id: Number(r.id), number: Number(r.number), title: String(r.title), serviceName: String(r.service_name), urgency: String(r.urgency) as Urgency, createdAt: iso(r.created_at) as string, details: JSON.parse(String(r.details_json)) as Record<string, unknown> };
  }

  /** status reads an incident's status alone (a delivered page asks it: the whole row would be read and built for one word). */
  status(id: number): IncidentState['status'] {
    const r = this.store.prepare('SELECT status FROM incidents WHERE id = ?').get(id) as { status: IncidentState['status'] } | undefined;
    if (!r) throw notFound('incident', id);
    return r.status;
  }

  /**
   * lastAcknowledgedAt is when the incident was last acknowledged (null: never). `acknowledgedAt` keeps the
   * first acknowledgement (time to acknowledge); after an ack timeout re-triggers it, this is the one that counts.
   */
  lastAcknowledgedAt(id: number): number | null {
    const r = this.store.prepare("SELECT MAX(at) AS at FROM log_entries WHERE incident_id = ? AND type = 'acknowledge'").get(id) as { at: number | null };
    return r.at === null ? null : Number(r.at);
  }

  /** openWithKey lists the open incidents with a dedup key on any service that no integration opened (a monitor's own key follows it when it moves). */
  openWithKey(dedupKey: string): number[] {
    return (this.store.prepare("SELECT id FROM incidents WHERE dedup_key = ? AND status != 'resolved' AND integration_id IS NULL ORDER BY id").all(dedupKey) as Array<{ id: number }>).map((r) => r.id);
  }

  /**
   * findOpen finds the open (not resolved) incident of a service with a dedup key, in the key's scope:
   * an integration's own (as PagerDuty scopes keys), or with `integrationId` null the service's monitors
   * and API triggers.
   */
  findOpen(serviceId: number, dedupKey: string, integrationId: number | null = null): IncidentState | undefined {
    const r = this.store.prepare("SELECT * FROM incidents WHERE service_id = ? AND COALESCE(integration_id, 0) = ? AND dedup_key = ? AND status != 'resolved'").get(serviceId, integrationId ?? 0, dedupKey) as Row | undefined;
    return r ? stateFromRow(r) : undefined;
  }

  /** save writes back an incident's mutable fields. */
  save(s: IncidentState, now: number): void {
    this.store
      .prepare(`UPDATE incidents SET title = ?, urgency = ?, severity = ?, status = ?, acknowledged_at = ?, resolved_at = ?, resolved_by = ?, snoozed_until = ?,
                escalation_level = ?, escalation_round = ?, cycle = ?, escalate_at = ?, alert_count = ?, details_json = ?, updated_at = ? WHERE id = ?`)
      .run(s.title, s.urgency, s.severity, s.status, s.acknowledgedAt, s.resolvedAt, s.resolvedBy, s.snoozedUntil, s.escalationLevel, s.escalationRound, s.cycle, s.escalateAt, s.alertCount, JSON.stringify(s.details), now, s.id);
  }

  /** find returns an incident, or undefined when there is none with that id. */
  find(id: number): Incident | undefined {
    const r = this.store.prepare(INCIDENT_BY_ID).get(id) as Row | undefined;
    return r ? incidentFromRow(r) : undefined;
  }

  /** get returns an incident for the API. */
  get(id: number): Incident {
    const r = this.store.prepare(INCIDENT_BY_ID).get(id) as Row | undefined;
    if (!r) throw notFound('incident', id);
    return incidentFromRow(r);
  }

  /** list returns incidents, newest first, with the total that match. */
  list(f: IncidentFilter): { incidents: Incident[]; total: number } {
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (f.status?.length) {
      where.push(`i.status IN (${f.status.map(() => '?').join(', ')})`);
      args.push(...f.status);
    }
    if (f.serviceId !== undefined) {
      where.push('i.service_id = ?');
      args.push(f.serviceId);
    }
    if (f.urgency) {
      where.push('i.urgency = ?');
      args.push(f.urgency);
    }
    if (f.query) {
      // LIKE with its wildcards escaped: the person's text is matched as written (ASCII letters in any case).
      const pattern = `%${f.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push("(i.title LIKE ? ESCAPE '\\' OR s.name LIKE ? ESCAPE '\\' OR i.dedup_key LIKE ? ESCAPE '\\')");
      args.push(pattern, pattern, pattern);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.store.prepare(`SELECT COUNT(*) AS n FROM incidents i JOIN services s ON s.id = i.service_id ${clause}`).get(...args) as { n: number };
    const rows = this.store
      .prepare(`${INCIDENT_SELECT} ${clause} ORDER BY i.id DESC LIMIT ? OFFSET ?`)
      .all(...args, f.limit, f.offset) as Row[];
    return { incidents: rows.map(incidentFromRow), total: total.n };
  }

  /** addLog appends a timeline entry. */
  addLog(incidentId: number, at: number, e: LogDraft): void {
    this.store.prepare('INSERT INTO log_entries (incident_id, at, type, actor, message, data_json) VALUES (?, ?, ?, ?, ?, ?)').run(incidentId, at, e.type, e.actor, e.message, JSON.stringify(e.data ?? {}));
  }

  /** timeline returns an incident's log entries, oldest first. */
  timeline(incidentId: number): LogEntry[] {
    return (this.store.prepare('SELECT * FROM log_entries WHERE incident_id = ? ORDER BY id').all(incidentId) as Row[]).map((r) => ({
      id: Number(r.id),
      incidentId: Number(r.incident_id),
      at: iso(r.at) as string,
      type: String(r.type) as LogEntry['type'],
      actor: String(r.actor) as Actor,
      message: String(r.message),
      data: JSON.parse(String(r.data_json)),
    }));
  }

  // Jobs

  /** schedule inserts a job and answers its id; a job whose key the incident has already is left alone (idempotent: undefined). */
  schedule(incidentId: number, job: PlannedJob, now: number): number | undefined {
    const r = this.store
      .prepare("INSERT INTO jobs (incident_id, kind, due_at, key, payload_json, state, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT(incident_id, key) DO NOTHING")
      .run(incidentId, job.kind, job.dueAt, job.key, JSON.stringify(job.payload), now);
    return Number(r.changes) === 1 ? Number(r.lastInsertRowid) : undefined;
  }

  /** cancel marks an incident's pending jobs of these kinds cancelled. */
  cancel(incidentId: number, kinds: JobKind[], now: number): void {
    if (kinds.length === 0) return;
    this.store
      .prepare(`UPDATE jobs SET state = 'cancelled', done_at = ? WHERE incident_id = ? AND state = 'pending' AND kind IN (${kinds.map(() => '?').join(', ')})`)
      .run(now, incidentId, ...kinds);
  }

  /** nextDue is the due time of the earliest pending job or escalation timer, if any. */
  nextDue(): number | undefined {
    const r = this.store.prepare(NEXT_DUE).get() as { t: number | null };
    return r.t ?? undefined;
  }

  /** due returns the pending job rows due at or before now, oldest first (escalation timers are on their incidents: see dueTimers). */
  due(now: number, limit = 100): JobRow[] {
    return (this.store.prepare(
          // At one instant, timers (escalations, timeouts) go before deliveries: a level that timed out is not paged.
          `SELECT * FROM jobs WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, CASE kind WHEN 'notify' THEN 1 ELSE 0 END, id LIMIT ${sqlLimit(limit)}`,
        ).all(now) as Row[]).map(jobFromRow);
  }

  /** dueTimers returns the timers due at or before now (escalations, timeouts, auto-resolves, snoozes' ends), oldest first. */
  dueTimers(now: number, limit = 100): DueTimer[] {
    // The timers' own index (migration 11): a backlog of pending pages costs this look nothing.
    const jobs = (this.store.prepare(`SELECT * FROM jobs INDEXED BY jobs_due_timers WHERE state = 'pending' AND kind != 'notify' AND due_at <= ? ORDER BY due_at, id LIMIT ${sqlLimit(limit)}`).all(now) as Row[]).map(jobFromRow);
    // The escalation timers kept on their incidents (migration 18), through their own partial index.
    const escalations = this.store.prepare(dueEscalationsSql(limit)).all(now) as Array<{ id: number; escalate_at: number }>;
    const timers: DueTimer[] = [
      ...jobs.map((job): DueTimer => ({ type: 'job', job, dueAt: job.dueAt })),
      ...escalations.map((r): DueTimer => ({ type: 'escalation', incidentId: Number(r.id), dueAt: Number(r.escalate_at) })),
    ];
    // Oldest first (a stable sort: at one instant, the job rows' timers first, as the two lists come).
    return timers.sort((a, b) => a.dueAt - b.dueAt).slice(0, limit);
  }

  /**
   * dueNotifies returns pending notify jobs due at or before now, oldest first; given `onlyContacts`,
   * only those of these contact methods (the ones whose channel has a free slot). That look reads
   * the index of pending pages by contact method (migration 13), so a backlog of thousands for one
   * busy channel is not read at all.
   */
  dueNotifies(now: number, limit: number, onlyContacts?: readonly number[]): JobRow[] {
    if (onlyContacts?.length === 0) return [];
    return (this.store.prepare(dueNotifiesSql(onlyContacts?.length, limit)).all(...(onlyContacts ?? []), now) as Row[]).map(jobFromRow);
  }

  /** nextDueAfter is the due time of the earliest pending job or escalation timer due strictly after now, if any. */
  nextDueAfter(now: number): number | undefined {
    const r = this.store.prepare(NEXT_DUE_AFTER).get(now) as { t: number | null };
    return r.t ?? undefined;
  }

  /** running returns jobs that were started but not finished (a crash happened mid-delivery). */
  running(): JobRow[] {
    return (this.store.prepare("SELECT * FROM jobs WHERE state = 'running' ORDER BY id").all() as Row[]).map(jobFromRow);
  }

  /** setJobState moves a job to a new state; it returns false when the job was not in the expected state. */
  setJobState(id: number, from: JobRow['state'], to: JobRow['state'], now: number): boolean {
    const res = this.store.prepare('UPDATE jobs SET state = ?, done_at = ? WHERE id = ? AND state = ?').run(to, to === 'running' ? null : now, id, from);
    return Number(res.changes) === 1;
  }

  /** pendingJobs lists an incident's pending jobs (for tests and the UI's "what happens next"). */
  pendingJobs(incidentId: number): JobRow[] {
    return (this.store.prepare("SELECT * FROM jobs WHERE incident_id = ? AND state = 'pending' ORDER BY due_at, id").all(incidentId) as Row[]).map(jobFromRow);
  }
}

/**
 * NEXT_DUE is nextDue's query: one statement, an index seek into each of jobs_pending and
 * incidents_escalation_due (it runs after every event; its plan is tested).
 */
export const NEXT_DUE = `SELECT MIN(t) AS t FROM (SELECT MIN(due_at) AS t FROM jobs WHERE state = 'pending' UNION ALL SELECT MIN(escalate_at) FROM incidents WHERE escalate_at IS NOT NULL)`;

/** NEXT_DUE_AFTER is nextDueAfter's query, through the same two indexes (its plan is tested). */
export const NEXT_DUE_AFTER = `SELECT MIN(t) AS t FROM (SELECT MIN(due_at) AS t FROM jobs WHERE state = 'pending' AND due_at > ?1 UNION ALL SELECT MIN(escalate_at) FROM incidents WHERE escalate_at > ?1)`;

/** dueEscalationsSql reads the escalation timers due at or before a time, at most `limit`, through their partial index (migration 18; its plan is tested). */
export function dueEscalationsSql(limit: number): string {
  return `SELECT id, escalate_at FROM incidents INDEXED BY incidents_escalation_due WHERE escalate_at IS NOT NULL AND escalate_at <= ? ORDER BY escalate_at, id LIMIT ${sqlLimit(limit)}`;
}

/** dueNotifiesSql is dueNotifies' query, for `contacts` contact methods or all, at most `limit` rows (its plan is tested). */
export function dueNotifiesSql(contacts: number | undefined, limit: number): string {
  const only = contacts ? `AND json_extract(payload_json, '$.contactMethodId') IN (${Array(contacts).fill('?').join(', ')})` : '';
  return `SELECT * FROM jobs WHERE state = 'pending' AND kind = 'notify' ${only} AND due_at <= ? ORDER BY due_at, id LIMIT ${sqlLimit(limit)}`;
}

/**
 * sqlLimit writes a row limit into a query's text. The job runner's looks run many times a second,
 * and SQLite compiles a statement whose LIMIT is a bound parameter again at every run (its planner
 * reads the bound value), which made each look several times dearer than its reads; a limit in the
 * text keeps one compiled statement per limit (the store caches statements by their text).
 */
export function sqlLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`a row limit must be a positive whole number, not ${limit}`);
  return limit;
}

function stateFromRow(r: Row): IncidentState {
  return {
    id: Number(r.id),
    number: Number(r.number),
    title: String(r.title),
    serviceId: Number(r.service_id),
    urgency: String(r.urgency) as Urgency,
    severity: r.severity === null ? null : (String(r.severity) as Severity),
    status: String(r.status) as IncidentStatus,
    dedupKey: String(r.dedup_key),
    createdAt: Number(r.created_at),
    acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
    resolvedBy: r.resolved_by === null ? null : (String(r.resolved_by) as Actor),
    snoozedUntil: r.snoozed_until === null ? null : Number(r.snoozed_until),
    escalationLevel: Number(r.escalation_level),
    escalationRound: Number(r.escalation_round),
    cycle: Number(r.cycle),
    escalateAt: r.escalate_at === null || r.escalate_at === undefined ? null : Number(r.escalate_at),
    alertCount: Number(r.alert_count),
    details: JSON.parse(String(r.details_json)),
  };
}

function incidentFromRow(r: Row): Incident {
  const s = stateFromRow(r);
  return {
    id: s.id,
    number: s.number,
    title: s.title,
    serviceId: s.serviceId,
    serviceName: String(r.service_name),
    urgency: s.urgency,
    severity: s.severity,
    status: s.status,
    dedupKey: s.dedupKey,
    createdAt: iso(s.createdAt) as string,
    acknowledgedAt: iso(s.acknowledgedAt),
    resolvedAt: iso(s.resolvedAt),
    resolvedBy: s.resolvedBy,
    snoozedUntil: iso(s.snoozedUntil),
    escalationLevel: s.escalationLevel,
    escalationRound: s.escalationRound,
    alertCount: s.alertCount,
    details: s.details,
    pageFailure: pageFailureFromJson(r.page_failure),
  };
}

function pageFailureFromJson(v: unknown): PageFailure | null {
  if (typeof v !== 'string') return null;
  const f = JSON.parse(v) as Omit<PageFailure, 'at'> & { at: number | null };
  return { ...f, at: iso(f.at) ?? new Date(0).toISOString() };
}

function jobFromRow(r: Row): JobRow {
  return {
    id: Number(r.id),
    incidentId: Number(r.incident_id),
    kind: String(r.kind) as JobKind,
    dueAt: Number(r.due_at),
    key: String(r.key),
    payload: JSON.parse(String(r.payload_json)),
    state: String(r.state) as JobRow['state'],
  };
}
