/**
 * The conformance suite every channel passes (as Alertmanager's notify/test does for its notifiers),
 * against a fake of its vendor on loopback (a real SMTP server for email): success, a retryable
 * failure then success through the delivery stage, a permanent failure, a timeout, and no secret in
 * any error, timeline entry or log line, even when the vendor echoes what it was sent.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/headless.ts';
import { expectNoSecretIn } from '../../helpers/no-leak.ts';
import { ATTEMPT_TIMEOUT_SECONDS, harness, INCIDENT } from './harness.ts';
import { CASES, type VendorFake } from './vendor-fakes.ts';

describe('the conformance cases', () => {
  it('cover every file in electron/engine/notify/channels', () => {
    const files = readdirSync(join(ROOT, 'electron/engine/notify/channels')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
    expect(CASES.map((c) => c.file).sort()).toEqual(files);
  });
});

for (const c of CASES) {
  describe(`${c.file} channel`, () => {
    let fake: VendorFake;
    const seen: string[] = [];
    const setup = async (delivery?: Record<string, unknown>) => {
      const h = await harness({ channels: [c.channel], contact: c.contact(fake.url), settings: c.settings(fake.url), secrets: c.secrets, delivery });
      return {
        ...h,
        async done() {
          seen.push(...h.logs, JSON.stringify(await h.engine.invoke('incidents.list', {})));
          for (const i of (await h.engine.invoke('incidents.list', {})).incidents) seen.push(JSON.stringify(h.engine.incidents.timeline(i.id)));
          await h.stop();
        },
      };
    };
    const expected = (number: number, test = false) => ({ number, title: INCIDENT.title, service: INCIDENT.service, test });

    beforeAll(async () => {
      fake = await c.start();
    });
    afterAll(() => fake.close());

    it('delivers: a test send answers the real outcome, and an incident reaches the vendor as documented', async () => {
      const h = await setup();
      const before = fake.attempts();
      const test = await h.engine.invoke('contactMethods.test', { id: h.contactId });
      seen.push(JSON.stringify(test));
      expect(test).toMatchObject({ ok: true, error: null });
      expect(fake.attempts()).toBe(before + 1);
      fake.verifyLast(expected(0, true));

      const inc = await h.trigger();
      expect(fake.attempts()).toBe(before + 2);
      fake.verifyLast(expected(inc.number));
      expect(h.notifies(inc.id).map((e) => [e.data.outcome, e.data.attempt, e.data.contactType])).toEqual([['delivered', 1, c.contact('').type]]);
      await h.done();
    });

    it('retries a retryable failure (5xx) through the delivery stage, then delivers', async () => {
      const h = await setup();
      const before = fake.attempts();
      fake.queue('transient', 'ok');
      const inc = await h.trigger();
      expect(h.notifies(inc.id).map((e) => e.data.outcome)).toEqual(['retrying']);
      expect(h.notifies(inc.id)[0]!.message).toMatch(/failed \(attempt 1\): .*; retrying in 10 s$/);
      await h.advance(10_000);
      expect(fake.attempts()).toBe(before + 2);
      fake.verifyLast(expected(inc.number));
      const n = h.notifies(inc.id);
      expect(n.map((e) => [e.data.outcome, e.data.attempt])).toEqual([['retrying', 1], ['delivered', 2]]);
      expect(n[1]!.message).toMatch(/delivered on attempt 2$/);
      expect(new Set(n.map((e) => e.data.key)).size).toBe(1);
      await h.done();
    });

    it.skipIf(!c.permanent)(`fails for good on a permanent failure, without a retry${c.permanent ? '' : ' (not applicable: the desktop port has no permanent failure)'}`, async () => {
      const h = await setup();
      const before = fake.attempts();
      fake.queue('permanent');
      const test = await h.engine.invoke('contactMethods.test', { id: h.contactId });
      seen.push(JSON.stringify(test));
      expect(test).toMatchObject({ ok: false, retryable: false });
      fake.queue('permanent');
      const inc = await h.trigger();
      await h.advance(20 * 60_000);
      expect(fake.attempts()).toBe(before + 2);
      const n = h.notifies(inc.id);
      expect(n.map((e) => [e.data.outcome, e.data.retryable])).toEqual([['failed', false]]);
      await h.done();
    });

    it('ends an attempt that gets no answer at the timeout, as retryable, and retries it', async () => {
      const h = await setup({ timeoutSeconds: 1 });
      const before = fake.attempts();
      fake.queue('hang', 'ok');
      const started = Date.now();
      const inc = await h.trigger();
      // The attempt timeout is 1 s of real time (channels.delivery.timeoutSeconds); a backstop ends it 1 s later at most.
      expect(Date.now() - started).toBeLessThan(10_000);
      const first = h.notifies(inc.id)[0]!;
      expect([first.data.outcome, first.data.retryable]).toEqual(['retrying', true]);
      expect(first.data.error).toMatch(/did not answer within 1000 ms/);
      // The retry gets an answer: give it the harness's generous timeout, so a slow machine's answer is not "none".
      await h.engine.invoke('channels.update', { kind: 'delivery', settings: { timeoutSeconds: ATTEMPT_TIMEOUT_SECONDS, retries: 2, retryBaseSeconds: 10 } });
      await h.advance(10_000);
      expect(fake.attempts()).toBe(before + 2);
      expect(h.notifies(inc.id).map((e) => e.data.outcome)).toEqual(['retrying', 'delivered']);
      await h.done();
    });

    it('never shows a secret in errors, the timeline or the log', async () => {
      const h = await setup();
      for (const kind of ['sms', 'twilio', 'email', 'ntfy', 'pushover', 'telegram'] as const) seen.push(JSON.stringify(await h.engine.invoke('channels.get', { kind })));
      await h.done();
      expect(seen.length).toBeGreaterThan(5);
      const text = seen.join('\n');
      expectNoSecretIn(text, Object.values(c.secrets), c.encoded ?? []);
    });
  });
}
