/**
 * "Is it me?" with a monitor on the local network: a NAS that keeps answering during an uplink outage
 * proves a network, not the internet, so it must not stand in for the reference targets: the internet
 * site's failures stay unknown (no page), and Standby says it is offline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineMonitorType } from '../../../electron/engine/monitors/monitor-type.ts';
import { builtinMonitorTypes } from '../../../electron/engine/monitors/registry.ts';
import { testEngine, type TestEngine } from '../../helpers/engine.ts';
import { tcpListener } from './helpers.ts';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.stop();
  t = undefined;
});

describe('is it me? with a monitor on the local network', () => {
  it('a LAN monitor that keeps answering does not make an uplink outage page the internet monitors', async () => {
    // Two network monitor types: a NAS on the LAN that answers, and a site on the internet that times out.
    const lan = defineMonitorType({ kind: 'lan', label: 'LAN box', description: '', schema: z.object({}), confirmsFailures: true, needsNetwork: () => true, check: async () => ({ status: 'up', message: 'NAS answers' }) });
    const site = defineMonitorType({ kind: 'site', label: 'Internet site', description: '', schema: z.object({}), confirmsFailures: true, needsNetwork: () => true, check: async () => ({ status: 'down', message: 'ETIMEDOUT' }) });
    t = await testEngine({ monitors: { types: builtinMonitorTypes().register(lan).register(site) } });
    // The reference target (the internet) does not answer: the uplink is down.
    const reference = await tcpListener();
    await reference.close();
    await t.engine.invoke('monitoring.updateSettings', { referenceTargets: [{ host: '127.0.0.1', port: reference.port }] });
    const serviceId = (await t.engine.invoke('services.list', {}))[0]!.id;
    await t.engine.invoke('monitors.create', { name: 'NAS', kind: 'lan', serviceId, config: {}, intervalSeconds: 10 });
    const blog = await t.engine.invoke('monitors.create', { name: 'Blog', kind: 'site', serviceId, config: {}, intervalSeconds: 60, retries: 2 });
    for (let i = 0; i < 60; i++) {
      await t.clock.advance(5000);
      await t.engine.monitors.idle();
    }
    await t.engine.lifecycle.idle();
    expect((await t.engine.invoke('monitors.get', { id: blog.id })).status).toBe('unknown');
    expect((await t.engine.invoke('incidents.list', {})).incidents).toEqual([]);
    expect((await t.engine.invoke('monitoring.status', {})).online).toBe(false);
  });
});
