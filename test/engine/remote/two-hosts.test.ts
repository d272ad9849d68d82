/**
 * Acceptance, with two hosts: the box (a real headless server over HTTPS, in this process) and the
 * laptop (the remote client in its own process, inside a network namespace joined to the box by a
 * veth pair). The laptop pairs with a code; a page on the box is a desktop notification on the laptop
 * and the laptop's acknowledge reaches the box. Then the cable is cut (the veth link down): the laptop
 * says it is not connected, a desktop page during the cut fails on the box and the next rule (a
 * loopback webhook) is paged, and once the link is back the laptop catches up on what happened.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { ROOT, tempDir, waitFor } from '../../helpers/headless.ts';
import { makeNetNs, netnsUnavailable, type NetNs } from '../../helpers/netns.ts';

const TOKEN = 'two-hosts-test-token-0123456789-ABCDEFGHIJK';
/** SILENCE_MS: the laptop takes a stream that says nothing this long for cut (the box's keepalive is every 15 s). */
const SILENCE_MS = 20_000;
const why = netnsUnavailable();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Laptop is the child process in the namespace and what it reported so far. */
interface Laptop {
  lines: Array<Record<string, unknown>>;
  send(line: string): void;
}

function laptop(ns: NetNs, url: string, code: string): Laptop {
  const child: ChildProcessWithoutNullStreams = spawn('ip', ['netns', 'exec', ns.name, process.execPath, join(ROOT, 'test/engine/remote/laptop.ts'), url, code, String(SILENCE_MS)], { cwd: ROOT });
  const lines: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout }).on('line', (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  cleanup.push(() => {
    child.kill('SIGKILL');
    if (err) console.log(`laptop stderr: ${err}`);
  });
  return { lines, send: (line) => child.stdin.write(`${line}\n`) };
}

describe.skipIf(why !== undefined)(`a tray paired with a box on another host${why ? ` (skipped: ${why})` : ''}`, () => {
  it('pairs with a code, shows the box\'s page and acknowledges it; a cut link is a state, the page fails over to the next rule, and the laptop catches up', { timeout: 180_000 }, async () => {
    const ns = makeNetNs();
    cleanup.push(() => ns.remove());
    // The webhook the box pages when the desktop cannot confirm (the next rule).
    const hooks: string[] = [];
    const hook: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        hooks.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => hook.close(() => resolve())));

    const box: HeadlessServer = await startHeadless({ dataDir: tempDir('standby-2hosts-'), port: 0, host: ns.hostAddress, token: TOKEN, tls: 'self-signed', lanAccess: true, clock: new SystemClock(), log: () => {} });
    cleanup.push(() => box.close());
    const e = box.engine;
    await e.invoke('channels.update', { kind: 'delivery', settings: { timeoutSeconds: 3, retries: 0 } });
    const desktop = (await e.invoke('contactMethods.list', {})).find((c) => c.type === 'desktop')!;
    const webhook = await e.invoke('contactMethods.create', { type: 'webhook', label: 'Next rule', address: `http://127.0.0.1:${(hook.address() as { port: number }).port}/page`, secretRef: null });
    for (const r of await e.invoke('notificationRules.list', {})) await e.invoke('notificationRules.delete', { id: r.id });
    await e.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: desktop.id });
    await e.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 1, contactMethodId: webhook.id });
    const serviceId = (await e.invoke('services.list', {}))[0]!.id;
    const trigger = async (title: string) => {
      const r = await e.invoke('incidents.trigger', { serviceId, title, severity: 'critical' });
      if (r.status === 'suppressed') throw new Error(r.reason);
      return r.incident.id;
    };
    const seen = (l: Laptop, type: string, pred: (x: Record<string, unknown>) => boolean = () => true) => l.lines.some((x) => x.type === type && pred(x));

    // Pairing: the code from the box, typed on the laptop.
    const { code, fingerprint256 } = await e.invoke('pairing.start', {});
    const l = laptop(ns, box.url, code);
    await waitFor(() => seen(l, 'state', (x) => x.connected === true), 'the laptop to pair and connect', 60_000);
    expect(l.lines.find((x) => x.type === 'paired')?.fingerprint256).toBe(fingerprint256);

    // A page on the box is a desktop notification on the laptop; the laptop's acknowledge acts on the box.
    const first = await trigger('Blog returns 500');
    await waitFor(() => seen(l, 'notify', (x) => x.incidentId === first), 'the desktop notification on the laptop');
    l.send(`ack ${first}`);
    await waitFor(() => seen(l, 'acked', (x) => x.id === first), 'the acknowledge from the laptop');
    expect(e.incidents.get(first).status).toBe('acknowledged');

    // The cable is cut: the laptop says so within seconds of its silence limit.
    ns.link(false);
    const cutAt = Date.now();
    await waitFor(() => seen(l, 'state', (x) => x.connected === false), 'the laptop to say it is not connected', SILENCE_MS + 30_000);
    expect(Date.now() - cutAt).toBeLessThan(SILENCE_MS + 30_000);

    // A page during the cut: the desktop cannot confirm it, so the box pages the next rule.
    const during = await trigger('During the cut');
    await waitFor(() => e.incidents.timeline(during).some((x) => x.type === 'notify' && (x.data as { outcome?: string }).outcome === 'failed'), 'the desktop page to fail on the box', 30_000);
    await waitFor(() => hooks.some((h) => h.includes('During the cut')), 'the next rule (the webhook) to be paged', 120_000);

    // The link is back: the laptop reconnects and catches up on what happened during the cut.
    ns.link(true);
    await waitFor(() => seen(l, 'incident', (x) => x.title === 'During the cut'), 'the laptop to catch up', 60_000);
    expect(l.lines.filter((x) => x.type === 'state' && x.connected === true).length).toBeGreaterThanOrEqual(2);
    expect(l.lines.filter((x) => x.type === 'error')).toEqual([]);
  });
});
