/**
 * The Pushover push channel (https://pushover.net/api): POST /1/messages.json, form-encoded token,
 * user, message, title, priority. High urgency defaults to priority 2 (emergency: repeats until
 * acknowledged in the Pushover app), which requires retry (>= 30 s) and expire (<= 10800 s), and answers
 * a receipt that the Pushover responder polls to learn the acknowledgement.
 */
import { PushoverSettings } from '../../../shared/channel-schemas.ts';
import { headline, type Channel } from '../channel.ts';
import { httpPost, jsonField } from '../http-client.ts';
import { originDestination } from '../secret-destinations.ts';
import { joinUrl, optionalSettings, requireSecret, truncate } from '../settings.ts';

/** PUSHOVER_API is Pushover's API base. */
export const PUSHOVER_API = 'https://api.pushover.net';
/** DEFAULT_PUSHOVER_TOKEN_REF is the keychain entry of the application token when the settings name none. */
export const DEFAULT_PUSHOVER_TOKEN_REF = 'pushover.token';
/** Pushover's limits (https://pushover.net/api#limits): message 1024 characters, title 250, URL 512, URL title 100. */
export const PUSHOVER_LIMITS = { message: 1024, title: 250, url: 512 } as const;
/** PUSHOVER_RECEIPT is what a receipt looks like (https://pushover.net/api/receipts: 30 characters of [A-Za-z0-9]); it goes into a URL path. */
export const PUSHOVER_RECEIPT = /^[A-Za-z0-9]{1,64}$/;

/** pushoverChannel sends to the contact's user key with the application token from the keychain. */
export const pushoverChannel: Channel = {
  type: 'pushover',
  settingsSchema: PushoverSettings,
  async send(contact, m, ctx) {
    const s = optionalSettings('pushover', PushoverSettings, ctx.settings, 'Pushover');
    if (!s.ok) return s.result;
    const cfg: { tokenRef?: string; baseUrl?: string; highPriority?: number; lowPriority?: number; retrySeconds?: number; expireSeconds?: number; sound?: string } = s.value;
    const token = await requireSecret(ctx, contact.secretRef ?? cfg.tokenRef ?? DEFAULT_PUSHOVER_TOKEN_REF, 'the Pushover application token', originDestination(cfg.baseUrl ?? PUSHOVER_API));
    if (!token.ok) return token.result;
    // A test that asks for an answer is an emergency, as a high-urgency page is: the person acknowledges it in the app.
    const answerTest = m.test === true && m.answerTest !== undefined;
    const priority = answerTest ? 2 : m.test ? 0 : m.urgency === 'high' ? (cfg.highPriority ?? 2) : (cfg.lowPriority ?? 0);
    const form: Record<string, string> = {
      token: token.value,
      user: contact.address,
      title: truncate(m.test ? 'Standby: test notification' : headline(m), PUSHOVER_LIMITS.title),
      message: truncate(answerTest ? 'Pushover notifications work. Acknowledge this test: Standby shows when your answer arrives.' : m.test ? 'Pushover notifications work.' : [`Service: ${m.serviceName} · ${m.urgency} urgency`, `Triggered: ${m.triggeredLocal ?? m.triggeredAt}`, ...m.detailLines].join('\n'), PUSHOVER_LIMITS.message),
      priority: String(priority),
      timestamp: String(Math.floor(Date.parse(m.triggeredAt) / 1000)),
    };
    if (priority === 2) {
      // https://pushover.net/api#priority: emergency needs retry (at least 30 s) and expire (at most 10800 s).
      form.retry = String(cfg.retrySeconds ?? 60);
      // A test rings for at most the 10 minutes its answer is waited for.
      form.expire = String(answerTest ? Math.min(600, cfg.expireSeconds ?? 600) : (cfg.expireSeconds ?? 3600));
    }
    if (cfg.sound) form.sound = cfg.sound;
    if (m.ackLinks && m.ackLinks.acknowledge.length <= PUSHOVER_LIMITS.url) {
      form.url = m.ackLinks.acknowledge;
      form.url_title = 'Acknowledge';
    }
    return httpPost(
      {
        vendor: 'Pushover',
        url: joinUrl(cfg.baseUrl ?? PUSHOVER_API, '1/messages.json'),
        form,
        explain: (_status, body) => {
          const errors = (JSON.parse(body) as { errors?: unknown }).errors;
          return Array.isArray(errors) ? errors.join('; ') : undefined;
        },
        // https://pushover.net/api/receipts: an emergency (priority 2) message answers a receipt, polled by responders/pushover.ts.
        receipt: (body) => {
          const r = jsonField(body, 'receipt');
          return r && PUSHOVER_RECEIPT.test(r) ? r : undefined;
        },
      },
      ctx,
    );
  },
};
