/**
 * The events of the API contract (electron/shared/api.ts re-exports them): what the engine pushes to
 * the desktop window over IPC and to a browser as server-sent events, each with its payload.
 */
import type { SystemHealth } from './api.ts';
import type { RemoteStatus } from './api-results.ts';
import type { DesktopSettings } from './desktop-schemas.ts';
import type { ChangeEvent } from './integration-schemas.ts';
import type { CheckResult, MonitorChecks, MonitoringStatus, MonitorView } from './monitor-schemas.ts';
import type { Incident } from './schemas.ts';
import type { InboundStatus } from './system-schemas.ts';
import type { SetupState } from './trust-schemas.ts';

/** ApiEvents are pushed by the engine: over IPC to the window, over server-sent events to a browser. */
export interface ApiEvents {
  /** An incident was created or changed (status, urgency, escalation, alerts, page failure, and its timeline with it). */
  'incident.changed': { incident: Incident };
  /**
   * A timeline entry was added to an incident and nothing else of it changed (a page was delivered): a
   * view that shows this incident's timeline reads it again. Its status, its place in lists and the counts
   * stay as they were, so nothing else needs reading.
   */
  'incident.timeline': { incidentId: number };
  /** Profile, contact methods, rules, policies or services changed. */
  'config.changed': { entity: 'profile' | 'contactMethods' | 'notificationRules' | 'escalationPolicies' | 'services' | 'all' };
  /** devices.changed: a device was paired or unpaired (revoked); an unpaired device's event stream ends. */
  'devices.changed': { deviceId: number; revoked: boolean };
  /**
   * A desktop notification to show (the Electron shell shows it; headless, the web UI does). Headless,
   * it carries a deliveryId: the UI that shows it calls `notifications.confirm`, and only then does the
   * delivery count as delivered. A UI that shows many at once confirms them together with
   * `notifications.confirmMany` (one request, and one commit of their outcomes, for the lot).
   */
  'notification.desktop': { incidentId: number; number: number; title: string; body: string; urgency: 'high' | 'low'; deliveryId?: string };
  /** A service's integrations were created, changed, rotated or deleted. */
  'integrations.changed': { serviceId: number };
  /** A change event was recorded on a service (it never pages). */
  'changeEvent.recorded': { changeEvent: ChangeEvent };
  /** An SMS or call was not sent because today's SMS + voice budget is used up (the UI says so). */
  'delivery.budget': { limit: number; used: number; remaining: number; day: string; blocked: { incidentId: number | null; contactMethodId: number; type: string } };
  /** A monitor was created or changed, or its status changed (up, down, unknown, paused...). */
  'monitor.changed': { monitor: MonitorView };
  /**
   * monitor.checks: checks that ran since the last such event, per monitor (oldest first), at most one
   * event a second. Only to those who asked (`/api/events?checks=1`, the desktop window) and never
   * kept for a reconnect (it has no id): a client that was away loads the checks again.
   */
  'monitor.checks': { monitors: Array<MonitorChecks<CheckResult>> };
  /** A monitor was deleted. */
  'monitor.deleted': { id: number };
  /** Standby's own monitoring state changed: online/offline ("is it me?"), paused, woke from sleep. */
  'monitoring.changed': MonitoringStatus;
  /** Standby's own health changed: a problem appeared or was solved (the UI shows a banner while any is current). */
  'health.changed': SystemHealth;
  /** Where Standby takes alerts over HTTP changed: it started listening, fell back to another port, or moved. */
  'inbound.changed': InboundStatus;
  /** The desktop app's settings changed (the shell applies them: the login item). */
  'desktop.changed': DesktopSettings;
  /** The desktop app's link to a box changed: paired, connected, not connected (since when, why), unpaired on the box. */
  'remote.changed': RemoteStatus;
  /** The guided first run's progress changed (skipped, resumed, a step done): every open window follows it. */
  'setup.changed': SetupState;
}
/** ApiEventName is the name of one pushed event. */
export type ApiEventName = keyof ApiEvents;
/** ApiEvent is one pushed event as it travels: its name and payload. */
export type ApiEvent = { [E in ApiEventName]: { type: E; data: ApiEvents[E] } }[ApiEventName];
