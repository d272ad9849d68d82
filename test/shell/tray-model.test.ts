import { describe, expect, it } from 'vitest';
import { PAUSE_MONITORING_MINUTES, TRAY_INCIDENT_LIMIT, TRAY_LABEL_MAX, inboundLine, incidentLabel, monitoringLine, trayMenu, trayState, trayTooltip, type TrayMenuActions, type TrayMenuItem } from '../../electron/main/tray-model.ts';
import type { Incident } from '../../electron/shared/schemas.ts';
import type { InboundStatus } from '../../electron/shared/system-schemas.ts';

const listening: InboundStatus = { url: 'http://127.0.0.1:8730', port: 8730, wantedPort: 8730, wantedFrom: 'default', unavailable: null, settingPort: 8730, live: true };
const fellBack: InboundStatus = { ...listening, url: 'http://127.0.0.1:41234', port: 41234, unavailable: 'taken by another program' };
const off: InboundStatus = { ...listening, url: null, port: null, unavailable: 'taken by another program' };

function incident(n: number, status: Incident['status'] = 'triggered', title = `Site ${n} is down`): Incident {
  return {
    id: 100 + n,
    number: n,
    title,
    serviceId: 1,
    serviceName: 'Blog',
    urgency: 'high',
    severity: null,
    status,
    dedupKey: `k${n}`,
    createdAt: '2026-03-02T12:00:00.000Z',
    acknowledgedAt: null,
    resolvedAt: null,
    resolvedBy: null,
    snoozedUntil: null,
    escalationLevel: 0,
    escalationRound: 0,
    alertCount: 1,
    details: {},
    pageFailure: null,
  };
}

describe('tray model', () => {
  it('is calm and quiet with no open incidents', () => {
    expect(trayState([], { triggered: 0, acknowledged: 0 })).toEqual({ alert: false, tooltip: 'Standby: no open incidents', title: '', incidents: [], more: 0, inbound: undefined, monitoring: undefined });
  });

  it('alerts while an incident is triggered and counts both statuses', () => {
    const s = trayState([incident(2), incident(1, 'acknowledged')], { triggered: 1, acknowledged: 1 });
    expect(s.alert).toBe(true);
    expect(s.tooltip).toBe('Standby: 1 triggered, 1 acknowledged');
    expect(s.title).toBe('2');
    expect(s.incidents).toEqual([
      { id: 102, label: '#2 Site 2 is down', canAcknowledge: true },
      { id: 101, label: '#1 Site 1 is down (acknowledged)', canAcknowledge: false },
    ]);
    expect(trayTooltip({ triggered: 0, acknowledged: 3 })).toBe('Standby: 3 acknowledged');
  });

  it(`lists at most ${TRAY_INCIDENT_LIMIT} incidents and counts the rest`, () => {
    const open = Array.from({ length: 12 }, (_, i) => incident(12 - i));
    const s = trayState(open, { triggered: 14, acknowledged: 0 });
    expect(s.incidents).toHaveLength(TRAY_INCIDENT_LIMIT);
    expect(s.more).toBe(4);
  });

  it('shortens long titles, flattens whitespace and escapes & for menus', () => {
    const long = incidentLabel({ number: 7, title: `A\n${'x'.repeat(200)}`, status: 'triggered' });
    expect([...long]).toHaveLength(TRAY_LABEL_MAX);
    expect(long.startsWith('#7 A x')).toBe(true);
    expect(long.endsWith('…')).toBe(true);
    expect(incidentLabel({ number: 3, title: 'DB & cache', status: 'triggered' })).toBe('#3 DB && cache');
  });

  it('shows where alerts arrive, and only a problem in the tooltip', () => {
    const calm = trayState([], { triggered: 0, acknowledged: 0 }, listening);
    expect(calm.inbound).toEqual({ label: 'Alerts: http://127.0.0.1:8730', menuLabel: 'Alerts: http://127.0.0.1:8730', problem: false });
    expect(calm.tooltip).toBe('Standby: no open incidents');
    expect(trayState([], { triggered: 0, acknowledged: 0 }).inbound).toBeUndefined();
    expect(inboundLine({ ...listening, url: null, port: null })).toBeUndefined(); // not listening yet
  });

  it('says when its port was taken, with the port used instead or that alerts are off', () => {
    const moved = trayState([incident(1)], { triggered: 1, acknowledged: 0 }, fellBack);
    expect(moved.inbound).toEqual({
      label: 'Alerts on port 41234: port 8730 is taken by another program',
      menuLabel: '⚠ Alerts on port 41234: port 8730 is taken by another program…',
      problem: true,
    });
    expect(moved.tooltip).toBe('Standby: 1 triggered\nAlerts on port 41234: port 8730 is taken by another program');
    expect(trayState([], { triggered: 0, acknowledged: 0 }, off)).toMatchObject({
      tooltip: 'Standby: no open incidents\nAlerts over HTTP are off: port 8730 is taken by another program',
      inbound: { problem: true, menuLabel: '⚠ Alerts over HTTP are off: port 8730 is taken by another program…' },
    });
  });

  it('marks a snoozed incident', () => {
    expect(incidentLabel({ number: 4, title: 'Disk', status: 'acknowledged', snoozedUntil: '2026-03-02T13:00:00.000Z' })).toBe('#4 Disk (snoozed)');
  });

  it('offers to pause monitoring for an hour, or to resume it, and says so in the tooltip', () => {
    expect(monitoringLine({ paused: false, pausedUntil: null })).toEqual({ paused: false, label: 'Pause monitoring for 1 hour' });
    const until = new Date(2026, 2, 2, 14, 5).toISOString(); // 14:05 local time
    expect(monitoringLine({ paused: true, pausedUntil: until })).toEqual({ paused: true, label: 'Resume monitoring (paused until 14:05)' });
    expect(monitoringLine({ paused: true, pausedUntil: null }).label).toBe('Resume monitoring (paused)');
    expect(trayState([], { triggered: 0, acknowledged: 0 }, undefined, { paused: true, pausedUntil: until }).tooltip).toBe('Standby: no open incidents\nMonitoring paused until 14:05');
  });
});

describe('tray menu', () => {
  const calls: string[] = [];
  const actions: TrayMenuActions = {
    acknowledge: (id) => calls.push(`acknowledge ${id}`),
    resolve: (id) => calls.push(`resolve ${id}`),
    snooze: (id, m) => calls.push(`snooze ${id} ${m}`),
    openIncident: (id) => calls.push(`open ${id}`),
    openDashboard: () => calls.push('dashboard'),
    openSettings: () => calls.push('settings'),
    pauseMonitoring: (m) => calls.push(`pause ${m}`),
    resumeMonitoring: () => calls.push('resume'),
    quit: () => calls.push('quit'),
  };
  const labels = (items: TrayMenuItem[]) => items.map((i) => ('label' in i ? i.label : '—'));
  const item = (items: TrayMenuItem[], ...path: string[]): Extract<TrayMenuItem, { label: string }> => {
    let found: TrayMenuItem | undefined;
    for (const p of path) {
      found = items.find((i) => 'label' in i && i.label === p);
      if (!found || !('label' in found)) throw new Error(`no ${p} in ${labels(items).join(', ')}`);
      items = found.submenu ?? [];
    }
    return found as Extract<TrayMenuItem, { label: string }>;
  };

  it('gives each incident Acknowledge, Snooze (30 minutes, 1 hour, 4 hours), Resolve and Open, bound to that incident', () => {
    calls.length = 0;
    const menu = trayMenu(trayState([incident(2), incident(1, 'acknowledged')], { triggered: 1, acknowledged: 1 }, listening, { paused: false, pausedUntil: null }), actions);
    expect(labels(menu)).toEqual(['#2 Site 2 is down', '#1 Site 1 is down (acknowledged)', '—', 'Alerts: http://127.0.0.1:8730', 'Pause monitoring for 1 hour', 'Open dashboard', '—', 'Quit Standby']);
    expect(labels(item(menu, '#2 Site 2 is down').submenu!)).toEqual(['Acknowledge', 'Snooze', 'Resolve', 'Open']);
    expect(labels(item(menu, '#2 Site 2 is down', 'Snooze').submenu!)).toEqual(['30 minutes', '1 hour', '4 hours']);
    expect(item(menu, '#1 Site 1 is down (acknowledged)', 'Acknowledge').enabled).toBe(false);
    item(menu, '#2 Site 2 is down', 'Acknowledge').click!();
    item(menu, '#1 Site 1 is down (acknowledged)', 'Snooze', '4 hours').click!();
    item(menu, '#2 Site 2 is down', 'Snooze', '30 minutes').click!();
    item(menu, '#1 Site 1 is down (acknowledged)', 'Resolve').click!();
    item(menu, '#2 Site 2 is down', 'Open').click!();
    item(menu, 'Pause monitoring for 1 hour').click!();
    item(menu, 'Quit Standby').click!();
    expect(calls).toEqual(['acknowledge 102', 'snooze 101 240', 'snooze 102 30', 'resolve 101', 'open 102', `pause ${PAUSE_MONITORING_MINUTES}`, 'quit']);
    expect(PAUSE_MONITORING_MINUTES).toBe(60);
  });

  it('resumes paused monitoring, and sends a port problem to Settings', () => {
    calls.length = 0;
    const menu = trayMenu(trayState([], { triggered: 0, acknowledged: 0 }, fellBack, { paused: true, pausedUntil: null }), actions);
    expect(labels(menu)).toEqual(['No open incidents', '—', '⚠ Alerts on port 41234: port 8730 is taken by another program…', 'Resume monitoring (paused)', 'Open dashboard', '—', 'Quit Standby']);
    item(menu, 'Resume monitoring (paused)').click!();
    item(menu, '⚠ Alerts on port 41234: port 8730 is taken by another program…').click!();
    expect(calls).toEqual(['resume', 'settings']);
  });
});
