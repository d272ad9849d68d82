/**
 * The acceptance test for "no page is ever lost": a real headless Standby in a child process pages a
 * loopback webhook that answers slowly; triggers arrive concurrently; the child is killed with
 * SIGKILL at a random moment while sends are in flight (twice per round), and restarted. Every
 * incident in the database reaches the receiver at least once; duplicates are at most the sends in
 * flight at each kill (MAX_SENDS_PER_CHANNEL), each carries the same X-Standby-Delivery key as the
 * first and says it is a repeat. Several rounds, each with its kill points drawn at random.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SENDS_PER_CHANNEL } from '../../../electron/engine/incidents/job-runner.ts';
import { api, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';

const TOKEN = 'at-least-once-token-0123456789-ABCDEFGHIJKLM';
/** INCIDENTS per round, and how slowly the receiver answers each page. */
const INCIDENTS = 40;
const ANSWER_AFTER_MS = 250;
const ROUNDS = 3;

interface Receipt {
  key: string;
  number: number;
  repeat: boolean;
}

const children: ChildServer[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.child.kill('SIGKILL');
  for (const s of servers.splice(0)) s.close();
});

/** slowReceiver answers each page after ANSWER_AFTER_MS; onArrive runs as each request arrives (before it is answered). */
async function slowReceiver(onArrive: (count: number) => void) {
  const receipts: Receipt[] = [];
  let open = 0;
  let maxOpen = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { repeat: boolean; incident: { number: number } };
      receipts.push({ key: String(req.headers['x-standby-delivery']), number: parsed.incident.number, repeat: parsed.repeat });
      open++;
      maxOpen = Math.max(maxOpen, open);
      // In flight until answered, or until its sender is gone (killed: the kernel closes its sockets), so a
      // restart that sends again at once is not counted with the dead process's sends.
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        open--;
      };
      res.once('close', end);
      onArrive(receipts.length);
      setTimeout(() => {
        end();
        if (!res.destroyed) res.writeHead(200).end('ok');
      }, ANSWER_AFTER_MS);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, receipts, maxOpen: () => maxOpen };
}

function configFile(dir: string, hookUrl: string): string {
  const file = join(dir, 'standby.yaml');
  writeFileSync(file, `version: 1
profile: { name: Ada, email: ada@example.com, phone: "", timeZone: UTC }
contactMethods:
  - { label: Pager hook, type: webhook, address: "${hookUrl}" }
notificationRules:
  - { urgency: high, startDelayMinutes: 0, contactMethod: Pager hook }
  - { urgency: low, startDelayMinutes: 0, contactMethod: Pager hook }
escalationPolicies:
  - { name: Me, repeatCount: 0, levels: [ { delayMinutes: 30, targets: [ { kind: me } ] } ] }
services:
  - { name: Shop, escalationPolicy: Me, urgencyRule: { type: constant, urgency: high }, ackTimeoutMinutes: 0, autoResolveMinutes: 0 }
channels:
  delivery: { timeoutSeconds: 10 }
`);
  return file;
}

/** triggerAll sends INCIDENTS triggers, 10 at a time; it stops quietly when the server is killed under it. */
async function triggerAll(url: string): Promise<number> {
  let next = 0;
  let answered = 0;
  const worker = async () => {
    while (next < INCIDENTS) {
      const i = next++;
      try {
        const r = await api(url, TOKEN, 'incidents.trigger', { serviceId: 2, title: `Checkout fails ${i}`, dedupKey: `checkout-${i}` });
        if (r.status === 200) answered++;
      } catch {
        return; // killed: the triggers not answered may or may not have been committed
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return answered;
}

describe('at-least-once delivery across kill -9', () => {
  it(`pages every incident at least once, with at most ${MAX_SENDS_PER_CHANNEL} repeats per kill, over ${ROUNDS} rounds of random kills`, { timeout: 240_000 }, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      // Two kill points, drawn at random: after the k-th page arrives (it is then in flight, unanswered).
      const kills = [1 + Math.floor(Math.random() * (INCIDENTS / 2)), 1 + Math.floor(Math.random() * (INCIDENTS / 2))];
      const why = `round ${round}, kills after pages ${kills.join(' and ')} of each run`;
      const dir = tempDir('standby-alo-');
      let current: ChildServer | undefined;
      let killAt = 0;
      let killed = 0;
      const hook = await slowReceiver((count) => {
        if (killAt > 0 && count >= killAt && current) {
          killAt = 0;
          killed++;
          current.child.kill('SIGKILL'); // this page has arrived and is not answered yet: it is in flight
        }
      });
      const config = configFile(dir, hook.url);
      const start = async (args: string[]) => {
        current = await startChild(['--data-dir', dir, ...args], { STANDBY_TOKEN: TOKEN });
        children.push(current);
        return current;
      };

      const first = await start(['--config', config]);
      expect((await api(first.url, TOKEN, 'services.list')).body.map((s: { id: number; name: string }) => `${s.id}:${s.name}`), why).toEqual(['2:Shop']);
      killAt = kills[0]!;
      const answered = await triggerAll(first.url);
      expect(await first.exited, why).toBe(null); // killed by SIGKILL while pages were in flight

      // The second run sends what is left, and is killed again after kills[1] more pages, unless fewer are left.
      const second = await start([]);
      killAt = hook.receipts.length + kills[1]!;
      const allIn = async () => {
        const list = await api(second.url, TOKEN, 'incidents.list', { limit: 500 }).catch(() => undefined);
        const numbers: number[] = list?.status === 200 ? list.body.incidents.map((i: { number: number }) => i.number) : [];
        return numbers.length > 0 && numbers.every((n) => hook.receipts.some((r) => r.number === n));
      };
      await Promise.race([second.exited, waitFor(allIn, `the second run to page everything (${why})`, 60_000)]);
      killAt = 0;
      if (second.child.exitCode === null && second.child.signalCode === null) {
        // Fewer pages were left than the planned kill point: kill it now, and count it, as pages may still be in flight.
        killed++;
        second.child.kill('SIGKILL');
      }
      await second.exited;

      const third = await start([]);
      const incidents = (await api(third.url, TOKEN, 'incidents.list', { limit: 500 })).body.incidents as Array<{ number: number }>;
      expect(incidents.length, why).toBeGreaterThanOrEqual(answered);
      const numbers = new Set(incidents.map((i) => i.number));
      await waitFor(() => [...numbers].every((n) => hook.receipts.some((r) => r.number === n)), `every incident's page at the receiver (${why})`, 60_000);

      const byNumber = Map.groupBy(hook.receipts, (r) => r.number);
      for (const [n, receipts] of byNumber) {
        expect(numbers.has(n), `${why}: page for an incident that is not in the database`).toBe(true);
        expect(new Set(receipts.map((r) => r.key)).size, `${why}: #${n} arrived with different delivery keys`).toBe(1);
        expect(receipts.length, `${why}: #${n} arrived ${receipts.length} times`).toBeLessThanOrEqual(1 + killed);
        expect(receipts.slice(1).every((r) => r.repeat), `${why}: a repeat of #${n} does not say so`).toBe(true);
      }
      const duplicates = hook.receipts.length - byNumber.size;
      expect(duplicates, why).toBeLessThanOrEqual(killed * MAX_SENDS_PER_CHANNEL);
      expect(hook.maxOpen(), `${why}: sends in flight to the webhook at once`).toBeLessThanOrEqual(MAX_SENDS_PER_CHANNEL);
      console.log(`${why}: ${incidents.length} incidents (${answered} triggers answered before the first kill), ${killed} kills with pages in flight, ${hook.receipts.length} pages received, ${duplicates} repeats`);

      third.child.kill('SIGTERM');
      expect(await third.exited, why).toBe(0);
    }
  });
});
