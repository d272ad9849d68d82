import { describe, expect, it } from 'vitest';
import { TRAY_INCIDENT_LIMIT, TRAY_LABEL_MAX, inboundLine, incidentLabel, trayState, trayTooltip } from '../../electron/main/tray-model.ts';
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
  };
}

describe('tray model', () => {
  it('is calm and quiet with no open incidents', () => {
    expect(trayState([], { triggered: 0, acknowledged: 0 })).toEqual({ alert: false, tooltip: 'Standby: no open incidents', incidents: [], more: 0 });
  });

  it('alerts while an incident is triggered and counts both statuses', () => {
    const s = trayState([incident(2), incident(1, 'acknowledged')], { triggered: 1, acknowledged: 1 });
    expect(s.alert).toBe(true);
    expect(s.tooltip).toBe('Standby: 1 triggered, 1 acknowledged');
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
});
