/** What channels say, within each vendor's limits, and the pure pieces of delivery: backoff, the local day, redaction. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebhookSettings } from '../../../electron/shared/channel-schemas.ts';
import { localDay } from '../../../electron/engine/notify/budget.ts';
import { formatMessage, headline, REPEAT_MARK, shortText, type NotificationMessage } from '../../../electron/engine/notify/channel.ts';
import { discordBody } from '../../../electron/engine/notify/channels/discord.ts';
import { ntfyBody, ntfyTarget } from '../../../electron/engine/notify/channels/ntfy.ts';
import { escapeSlack, slackBody } from '../../../electron/engine/notify/channels/slack.ts';
import { spokenSummary, twiml } from '../../../electron/engine/notify/channels/twilio-voice.ts';
import { defaultWebhookBody, renderTemplate, signWebhook, webhookFields } from '../../../electron/engine/notify/channels/webhook.ts';
import { redact } from '../../../electron/engine/notify/delivery-words.ts';
import { redactUrl, retryAfterMs } from '../../../electron/engine/notify/http-client.ts';
import { detailLines, formatLocal } from '../../../electron/engine/notify/message.ts';
import { backoffMs, deliveryPolicy, nextRetry } from '../../../electron/engine/notify/retry.ts';

const links = { acknowledge: 'https://s.example/ack/a', resolve: 'https://s.example/ack/r', expiresAt: '2026-03-03T12:00:00.000Z' };
const message = (o: Partial<NotificationMessage> = {}) =>
  formatMessage({ incidentId: 7, number: 12, title: 'Blog returns 500', serviceName: 'Blog', urgency: 'high', triggeredAt: '2026-03-02T12:00:00.000Z', triggeredLocal: 'Mon, Mar 2, 2026, 13:00 GMT+1', detailLines: ['status: 500'], ...o });

describe('messages', () => {
  it('carry number, title, service, urgency, first details, time triggered, and the ack links when on', () => {
    expect(message({ ackLinks: links }).text).toBe(
      ['[Standby] #12 HIGH: Blog returns 500', 'Service: Blog', 'Triggered: Mon, Mar 2, 2026, 13:00 GMT+1', 'status: 500', 'Acknowledge: https://s.example/ack/a', 'Resolve: https://s.example/ack/r'].join('\n'),
    );
    expect(shortText(message({ ackLinks: links }))).toBe('Standby #12 HIGH: Blog returns 500 (Blog)\nAck: https://s.example/ack/a\nResolve: https://s.example/ack/r');
    expect(shortText(message({ title: 'x'.repeat(1000) })).length).toBeLessThanOrEqual(480);
    expect(detailLines({ a: 'one\ntwo', b: { nested: true }, c: 'x'.repeat(500), d: 1, e: 2, f: 3 })).toEqual(['a: one two', 'b: {"nested":true}', `c: ${'x'.repeat(197)}`, 'd: 1', 'e: 2']);
  });

  it('fit Discord\'s limits and mention nobody; escape Slack\'s mrkdwn; speak TwiML safely', () => {
    const long = message({ title: '@everyone '.repeat(100), detailLines: ['y'.repeat(5000)] });
    const d = discordBody(long) as { content: string; embeds: Array<{ title: string; description: string }>; allowed_mentions: unknown };
    expect([d.content.length <= 2000, d.embeds[0]!.title.length, d.embeds[0]!.description.length]).toEqual([true, 256, 4096]);
    expect(d.allowed_mentions).toEqual({ parse: [] });
    expect(escapeSlack('<a> & <!channel>')).toBe('&lt;a&gt; &amp; &lt;!channel&gt;');
    expect(JSON.stringify(slackBody(message({ ackLinks: links })))).toContain('"url":"https://s.example/ack/r"');
    expect(twiml('Disk <full> & "hot"', 'alice', 2)).toBe('<Response><Say voice="alice" loop="2">Disk &lt;full&gt; &amp; &quot;hot&quot;</Say></Response>');
  });

  it('say "(repeat after restart)" where the person reads first, on every channel, when a page is sent again after a crash', () => {
    const again = message({ repeat: true, title: 'z'.repeat(400), deliveryKey: 'i7:c1:r1:l1:rule4' });
    expect(again.text.split('\n')[0]).toBe(`[Standby] #12 HIGH ${REPEAT_MARK}: ${'z'.repeat(400)}`); // email subject, Telegram
    expect(shortText(again).startsWith(`Standby #12 HIGH ${REPEAT_MARK}: `)).toBe(true); // SMS
    expect(headline(again).startsWith(`${REPEAT_MARK} #12 `)).toBe(true); // desktop, Pushover title
    expect((ntfyBody('alerts', again, 5) as { title: string }).title.startsWith(REPEAT_MARK)).toBe(true);
    expect((discordBody(again) as { embeds: Array<{ title: string }> }).embeds[0]!.title.startsWith(REPEAT_MARK)).toBe(true);
    expect(JSON.stringify(slackBody(again))).toContain(`*${REPEAT_MARK} #12 `);
    expect(spokenSummary(again)).toMatch(/^This is Standby\. A repeat after a restart\. Incident 12/);
    // A call cannot take a key press without a public URL: with SMS answers on it says how to answer by SMS.
    expect(spokenSummary(again)).toMatch(/Open Standby to acknowledge it\.$/);
    expect(spokenSummary(again, true)).toMatch(/To acknowledge, reply 4 to the text message about incident 12; to resolve it, reply 6\.$/);
    expect(defaultWebhookBody(again)).toMatchObject({ repeat: true, deliveryKey: 'i7:c1:r1:l1:rule4' });
    expect(webhookFields(again).repeat).toBe('true');
    // The first send says nothing of the kind.
    const first = message();
    expect([first.text, shortText(first), headline(first), spokenSummary(first), JSON.stringify(slackBody(first))].some((t) => /repeat/i.test(t))).toBe(false);
    expect(defaultWebhookBody(first)).toMatchObject({ repeat: false });
  });

  it('show when an incident triggered in the person\'s time zone, the same as Intl does for every instant, across minutes, offsets and zones', () => {
    const intl = (ms: number, timeZone: string) =>
      new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(ms);
    expect(formatLocal(Date.UTC(2026, 2, 2, 12, 0), 'Europe/Berlin')).toBe('Mon, Mar 2, 2026, 13:00 GMT+1');
    // A minute's text is kept for the pages of a storm: each instant still gets its own minute, and each zone its own text.
    const start = Date.UTC(2026, 2, 29, 0, 58, 30); // Berlin moves to summer time at 01:00 UTC
    for (let ms = start; ms < start + 4 * 60_000; ms += 7_500) {
      for (const zone of ['Europe/Berlin', 'Asia/Kolkata', 'America/St_Johns', 'Asia/Kathmandu']) expect(formatLocal(ms, zone), `${new Date(ms).toISOString()} in ${zone}`).toBe(intl(ms, zone));
    }
    expect(formatLocal(Date.UTC(2026, 2, 29, 1, 0, 59, 999), 'Europe/Berlin')).toBe('Sun, Mar 29, 2026, 03:00 GMT+2');
    // Back to an earlier minute; and 1970 in Liberia, 44 minutes 30 seconds behind GMT: its minutes began mid-minute.
    expect(formatLocal(start, 'Europe/Berlin')).toBe('Sun, Mar 29, 2026, 01:58 GMT+1');
    const [early, late] = [Date.UTC(1970, 5, 1, 12, 0, 20), Date.UTC(1970, 5, 1, 12, 0, 40)];
    expect(intl(early, 'Africa/Monrovia')).not.toBe(intl(late, 'Africa/Monrovia')); // 11:15 and 11:16, GMT-0:44:30
    expect([formatLocal(early, 'Africa/Monrovia'), formatLocal(late, 'Africa/Monrovia')]).toEqual([intl(early, 'Africa/Monrovia'), intl(late, 'Africa/Monrovia')]);
  });

  it('read an ntfy topic or topic URL', () => {
    expect(ntfyTarget('alerts', 'https://ntfy.sh')).toEqual({ server: 'https://ntfy.sh', topic: 'alerts' });
    expect(ntfyTarget('https://push.example.com/ntfy/alerts', 'https://ntfy.sh')).toEqual({ server: 'https://push.example.com/ntfy', topic: 'alerts' });
  });
});

describe('webhooks', () => {
  it('fill a user template with JSON-escaped values (IFTTT-style)', () => {
    const template = '{"value1":"{{title}}","value2":"{{service}}","value3":"{{ackUrl}}"}';
    expect(WebhookSettings.safeParse({ template }).success).toBe(true);
    const body = renderTemplate(template, webhookFields(message({ title: 'He said "hi"\n', ackLinks: links })), true);
    expect(JSON.parse(body)).toEqual({ value1: 'He said "hi"\n', value2: 'Blog', value3: 'https://s.example/ack/a' });
    expect(WebhookSettings.safeParse({ template: '{"n": {{number}}}' }).error?.issues[0]?.message).toMatch(/must be JSON once its placeholders are filled in/);
    expect(WebhookSettings.safeParse({ template: 'n={{number}}', contentType: 'text/plain' }).success).toBe(true);
  });

  it('sign `<timestamp>.<body>` with HMAC-SHA256', () => {
    expect(signWebhook('k', '1700000000', '{}')).toBe(`sha256=${createHmac('sha256', 'k').update('1700000000.{}').digest('hex')}`);
  });
});

describe('delivery pieces', () => {
  it('back off exponentially within the retries and the window', () => {
    const p = deliveryPolicy({ retries: 3, retryBaseSeconds: 10, maxRetryMinutes: 2 });
    expect([1, 2, 3].map((a) => backoffMs(p, a))).toEqual([10_000, 20_000, 40_000]);
    expect(nextRetry(p, 1, 0, 0)).toEqual({ retryAt: 10_000, delayMs: 10_000, windowEndsAt: 120_000 });
    expect(nextRetry(p, 4, 0, 70_000)).toEqual({ giveUp: 'gave up after 4 attempts' });
    expect(nextRetry(p, 3, 0, 100_000)).toMatchObject({ giveUp: expect.stringMatching(/2-minute retry window/) });
    expect(nextRetry(p, 1, 0, 0, 30_000)).toEqual({ retryAt: 30_000, delayMs: 30_000, windowEndsAt: 120_000 });
    expect(nextRetry(p, 2, 5_000, 20_000)).toMatchObject({ windowEndsAt: 125_000 });
    expect(deliveryPolicy(undefined)).toEqual({ retries: 3, retryBaseSeconds: 10, maxRetryMinutes: 15, timeoutSeconds: 10, smsVoicePerDay: 20 });
  });

  it('count the budget by the local day, across daylight saving time', () => {
    expect(localDay(Date.parse('2026-03-02T12:00:00Z'), 'Europe/Paris')).toEqual({ day: '2026-03-02', start: Date.parse('2026-03-01T23:00:00Z'), end: Date.parse('2026-03-02T23:00:00Z') });
    // 29 March 2026 in Paris has 23 hours; 25 October 2026 has 25.
    const spring = localDay(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Paris');
    expect((spring.end - spring.start) / 3600_000).toBe(23);
    const autumn = localDay(Date.parse('2026-10-25T12:00:00Z'), 'Europe/Paris');
    expect((autumn.end - autumn.start) / 3600_000).toBe(25);
    expect(localDay(Date.parse('2026-03-02T23:30:00Z'), 'UTC').day).toBe('2026-03-02');
  });

  it('redact secrets and URLs, and read Retry-After', () => {
    expect(redact('token abc123secret and abc%2F123', ['abc123secret', 'abc/123'])).toBe('token [redacted] and [redacted]');
    expect(redactUrl('https://user:pw@api.telegram.org/bot123456:AAHsecretsecretsecret/sendMessage?x=1')).toBe('https://api.telegram.org/…/sendMessage?…');
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-21T07:27:00Z'))).toBe(60_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
