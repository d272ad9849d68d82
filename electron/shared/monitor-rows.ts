/**
 * A monitor as the monitor list shows it. Apart from the schemas (monitor-schemas.ts): the web UI
 * runs this, and a value imported from there brings zod's schemas into the page, where zod's probe
 * for `new Function` is a CSP violation.
 */
import type { CheckMark, MonitorView } from './monitor-schemas.ts';

/**
 * ROW_CONFIG_KEYS are the type settings that say what a monitor watches ("GET https://…", "db:5432",
 * "A example.com", "a ping every 5 min"): all of its settings a monitor list row carries.
 */
export const ROW_CONFIG_KEYS = ['method', 'url', 'host', 'port', 'name', 'pidFile', 'path', 'recordType', 'periodSeconds'] as const;

/**
 * MonitorRow is a monitor as the monitor list shows it (`monitors.rows`): what it is and watches, its
 * live state and its last check, without its other settings (a third of a MonitorView's bytes:
 * 2,000 monitors are 0.4 MB instead of 1.2 to 1.4). A monitor's page and form read its MonitorView.
 */
export interface MonitorRow extends Pick<MonitorView, 'id' | 'name' | 'kind' | 'serviceId' | 'enabled' | 'status' | 'confirming' | 'isFlapping' | 'paused'> {
  /** config has only the ROW_CONFIG_KEYS the monitor's type has. */
  config: Record<string, unknown>;
  lastCheck: CheckMark | null;
}

/** checkMark is a check (a CheckResult, say) as the list's strip and last check keep it: without its phases and details. */
export function checkMark(c: CheckMark): CheckMark {
  return { at: c.at, status: c.status, latencyMs: c.latencyMs, message: c.message };
}

/** monitorRow is a MonitorView as its list row has it. */
export function monitorRow(m: MonitorView): MonitorRow {
  const config: Record<string, unknown> = {};
  for (const k of ROW_CONFIG_KEYS) if (m.config[k] !== undefined) config[k] = m.config[k];
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    serviceId: m.serviceId,
    config,
    enabled: m.enabled,
    status: m.status,
    confirming: m.confirming,
    isFlapping: m.isFlapping,
    paused: m.paused,
    lastCheck: m.lastCheck && checkMark(m.lastCheck),
  };
}
