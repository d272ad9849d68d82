/**
 * The acceptance test for durability: a kill -9 of the headless process between a trigger and its
 * 5-minute SMS, restarted after the due time, sends that SMS exactly once. The SMS gateway is a
 * real HTTP server on loopback; the child's clock is shifted with STANDBY_CLOCK_OFFSET_MS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { api, CHILD_TEST_MS, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';

const TOKEN = 'crash-test-token-0123456789-ABCDEFGHIJKLMNOP';
const children: ChildServer[] = [];
let gateway: Server | undefined;

afterEach(() => {
  for (const c of children) c.child.kill('SIGKILL');
  children.length = 0;
  gateway?.close();
});

async function smsGateway(): Promise<{ url: string; received: Array<{ to: string; message: string }> }> {
  const received: Array<{ to: string; message: string }> = [];
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => gateway!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`, received };
}

describe('kill -9 between a trigger and its 5-minute SMS', () => {
  it('sends the SMS exactly once after a restart past its due time', async () => {
    const dir = tempDir('standby-crash-');
    const sms = await smsGateway();
    const config = join(dir, 'standby.yaml');
    writeFileSync(config, `version: 1
profile: { name: Ada, email: ada@example.com, phone: "+14155550123", timeZone: UTC }
contactMethods:
  - { label: Mobile (SMS), type: sms, address: "+14155550123" }
notificationRules:
  - { urgency: high, startDelayMinutes: 5, contactMethod: Mobile (SMS) }
escalationPolicies:
  - { name: Me, repeatCount: 0, levels: [ { delayMinutes: 30, targets: [ { kind: me } ] } ] }
services:
  - { name: Blog, escalationPolicy: Me, urgencyRule: { type: constant, urgency: high }, ackTimeoutMinutes: 0, autoResolveMinutes: 0 }
channels:
  sms: { provider: webhook, url: "${sms.url}" }
`);
    const env = { STANDBY_TOKEN: TOKEN };
    const first = await startChild(['--data-dir', dir, '--config', config], env);
    children.push(first);
    const services = await api(first.url, TOKEN, 'services.list');
    const blog = services.body.find((s: { name: string }) => s.name === 'Blog');
    const trig = await api(first.url, TOKEN, 'incidents.trigger', { serviceId: blog.id, title: 'Blog is down' });
    expect(trig.status).toBe(200);
    const id = trig.body.incident.id;
    // The trigger was answered, so the incident and its planned SMS are committed.
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    expect(sms.received).toEqual([]);

    // Six minutes later (shifted clock): the SMS due at minute 5 is overdue.
    const second = await startChild(['--data-dir', dir], { ...env, STANDBY_CLOCK_OFFSET_MS: String(6 * 60_000) });
    children.push(second);
    await waitFor(() => sms.received.length >= 1, 'the SMS at the gateway');
    const notifies = async (url: string) => (await api(url, TOKEN, 'incidents.get', { id })).body.timeline.filter((e: { type: string }) => e.type === 'notify');
    await waitFor(async () => (await notifies(second.url)).length === 1, 'the SMS in the timeline');
    second.child.kill('SIGKILL');
    await second.exited;

    // Once more, later still: nothing is sent again. A start claims every due page (a "sending" attempt
    // row, committed) before the server says "listening", so the database tells at once whether this
    // start would send anything again, without waiting on the gateway.
    const third = await startChild(['--data-dir', dir], { ...env, STANDBY_CLOCK_OFFSET_MS: String(20 * 60_000) });
    children.push(third);
    const db = new DatabaseSync(join(dir, 'standby.db'), { readOnly: true });
    expect(db.prepare("SELECT j.state, COUNT(a.id) AS attempts FROM jobs j LEFT JOIN delivery_attempts a ON a.job_id = j.id WHERE j.kind = 'notify' GROUP BY j.id").all()).toEqual([{ state: 'done', attempts: 1 }]);
    db.close();
    expect(sms.received).toHaveLength(1);
    expect(sms.received[0]!.to).toBe('+14155550123');
    expect(sms.received[0]!.message).toContain('Blog is down');
    const entries = await notifies(third.url);
    expect(entries.map((e: { data: { contactType: string; outcome: string } }) => `${e.data.contactType}:${e.data.outcome}`)).toEqual(['sms:delivered']);
  }, CHILD_TEST_MS);

  it('a second server on the same data directory exits with a clear message', async () => {
    const dir = tempDir('standby-lock-');
    const first = await startChild(['--data-dir', dir], { STANDBY_TOKEN: TOKEN });
    children.push(first);
    await expect(startChild(['--data-dir', dir], { STANDBY_TOKEN: TOKEN })).rejects.toThrow(/exited with 1[\s\S]*Another Standby \(pid \d+\) is already running with the data directory/);
  }, CHILD_TEST_MS);

  it('SIGTERM shuts down cleanly and releases the data directory', async () => {
    const dir = tempDir('standby-term-');
    const s = await startChild(['--data-dir', dir], { STANDBY_TOKEN: TOKEN });
    children.push(s);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    const again = await startChild(['--data-dir', dir], { STANDBY_TOKEN: TOKEN });
    children.push(again);
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
  }, CHILD_TEST_MS);
});
