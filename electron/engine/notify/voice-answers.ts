/**
 * Answering a call with a key. With ack links on (a public base URL Twilio can reach), a page call says
 * its summary inside a <Gather> (channels/twilio-voice.ts) and Twilio POSTs the pressed key to
 * `/ack/<acknowledge token>/voice?resolve=<resolve token>` (https://www.twilio.com/docs/voice/twiml/gather#action).
 * Two checks guard it:
 * - the request carries a valid X-Twilio-Signature: HMAC-SHA1, keyed with the account's auth token, of
 *   the public URL followed by every POST parameter's name and value sorted by name
 *   (https://www.twilio.com/docs/usage/security#validating-requests), and names this account;
 * - the pressed key's token is a valid, unused, unrevoked ack link token, consumed in the answer's
 *   transaction exactly as POST /ack does.
 * The answer is TwiML that says what happened.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { TwilioSettings } from '../../shared/channel-schemas.ts';
import { ApiError } from '../../shared/errors.ts';
import type { Engine } from '../engine.ts';
import { escapeXml, gatherTwiml } from './channels/twilio-voice.ts';
import { twilioDestination } from './secret-destinations.ts';
import { joinUrl } from './settings.ts';
import { DEFAULT_TWILIO_TOKEN_REF, TWILIO_API } from './twilio-account.ts';

/** VOICE_BODY_LIMIT bounds what a key-press request may send. */
export const VOICE_BODY_LIMIT = 16 * 1024;

/** twilioSignature is the X-Twilio-Signature Twilio sends for a POST to `url` with form `params`. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => `${k}${params[k]}`).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

const say = (c: Context, text: string, status: 200 | 403 | 503 = 200) => {
  c.header('Cache-Control', 'no-store');
  return c.body(`<Response><Say>${escapeXml(text)}</Say></Response>`, status, { 'Content-Type': 'text/xml; charset=utf-8' });
};

/** mountVoiceAnswerRoutes adds the route Twilio posts a pressed key to. */
export function mountVoiceAnswerRoutes(app: Hono, engine: Engine): void {
  const delivery = engine.lifecycle.delivery;

  // Twilio's form is a few hundred bytes; nothing bigger is read before the signature is checked.
  // Over the limit, the rest of the body is not read: the connection closes (read-body.ts says why).
  const tooBig = (c: Context) => {
    c.header('Connection', 'close');
    return say(c, 'This request is too big.', 403);
  };
  app.post('/ack/:token/voice', bodyLimit({ maxSize: VOICE_BODY_LIMIT, onError: tooBig }), async (c) => {
    const cfg = delivery.ack.config();
    if (!cfg?.publicBaseUrl) return say(c, 'Answering by key is turned off in Standby. Goodbye.', 403);
    const twilio = TwilioSettings.safeParse(delivery.settings.get('twilio') ?? {});
    if (!twilio.success) return say(c, 'Standby is not set up for Twilio. Goodbye.', 403);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(form)) if (typeof v === 'string') params[k] = v;

    // Twilio signs the URL it was given: the public one, not the address this request reached behind a proxy.
    const publicUrl = `${joinUrl(cfg.publicBaseUrl, c.req.path.replace(/^\//, ''))}${new URL(c.req.url).search}`;
    let authToken: string | null;
    try {
      authToken = await delivery.boundSecret(twilio.data.authTokenRef ?? DEFAULT_TWILIO_TOKEN_REF, twilioDestination(twilio.data.baseUrl ?? TWILIO_API, twilio.data.accountSid));
    } catch {
      authToken = null;
    }
    if (!authToken) return say(c, 'Standby cannot check this call now. Open Standby to answer. Goodbye.', 503);
    const presented = Buffer.from(c.req.header('x-twilio-signature') ?? '');
    const expected = Buffer.from(twilioSignature(authToken, publicUrl, params));
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected) || params.AccountSid !== twilio.data.accountSid) {
      return say(c, 'This request is not from your Twilio account.', 403);
    }

    const digit = params.Digits ?? '';
    const token = digit === '4' ? c.req.param('token') : digit === '6' ? (c.req.query('resolve') ?? '') : undefined;
    if (token === undefined) {
      c.header('Cache-Control', 'no-store');
      return c.body(gatherTwiml('Press 4 to acknowledge, or 6 to resolve.', publicUrl), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
    }
    const check = await delivery.ack.check(token);
    if (!check.ok) return say(c, `That did nothing: ${check.message} Goodbye.`);
    const now = engine.clock.now();
    const to = params.To ?? params.Called ?? '';
    let outcome;
    try {
      outcome = engine.answerFromPhone({ incidentId: check.incidentId, action: { type: check.action }, via: `a voice call${to ? ` (${to})` : ''}` }, () => {
        if (!delivery.ack.stillValid(check)) throw new ApiError('conflict', 'answering from the phone was turned off or its key rotated meanwhile.');
        if (!delivery.ack.markUsed(check.nonce, check.incidentId, check.action, now)) throw new ApiError('conflict', 'this key was already pressed once.');
      });
    } catch (err) {
      if (err instanceof ApiError) return say(c, `That did nothing: ${err.message} Goodbye.`);
      throw err;
    }
    return say(c, outcome.ok ? `Incident ${outcome.incident.number} ${check.action === 'acknowledge' ? 'acknowledged' : 'resolved'}. Goodbye.` : `That did nothing: ${outcome.said} Goodbye.`);
  });
}
