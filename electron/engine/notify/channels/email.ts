/**
 * The email channel: SMTP through nodemailer (`channels.email`: host, port, STARTTLS/TLS/none, user,
 * the password's keychain entry, from). SMTP's own classes decide retry: a 4xx reply is transient,
 * a 5xx reply (and a refused login) is permanent, a connection failure or timeout is retryable.
 */
import { EmailSettings } from '../../../shared/channel-schemas.ts';
import type { Channel, DeliveryResult } from '../channel.ts';
import { shorten } from '../http-client.ts';
import { smtpDestination } from '../secret-destinations.ts';
import { parseSettings, requireSecret } from '../settings.ts';

/** DEFAULT_EMAIL_PASSWORD_REF is the keychain entry of the SMTP password when the settings name none. */
export const DEFAULT_EMAIL_PASSWORD_REF = 'email.password';

/** SMTP_PORTS are the usual ports: submission with STARTTLS (RFC 6409), implicit TLS (RFC 8314), plain SMTP. */
export const SMTP_PORTS = { starttls: 587, tls: 465, none: 25 } as const;

/** smtpError classifies a nodemailer error by its SMTP reply code (RFC 5321 section 4.2.1) or connection error. */
export function smtpError(err: unknown, where: string, timeoutMs: number): DeliveryResult {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  if (e.code === 'EAUTH') return { ok: false, retryable: false, error: `${where} refused the login: ${shorten(e.response ?? e.message ?? '')}` };
  if (typeof e.responseCode === 'number') {
    const retryable = e.responseCode >= 400 && e.responseCode < 500;
    return { ok: false, retryable, error: `${where} answered ${shorten(e.response ?? String(e.responseCode))}` };
  }
  if (e.code === 'ETIMEDOUT') return { ok: false, retryable: true, error: `${where} did not answer within ${timeoutMs} ms` };
  return { ok: false, retryable: true, error: `${where} unreachable (${e.code ?? 'error'}: ${shorten(e.message ?? '')})` };
}

/** emailChannel sends the message as a plain-text email to the contact's address. */
export const emailChannel: Channel = {
  type: 'email',
  settingsSchema: EmailSettings,
  async send(contact, m, ctx) {
    const s = parseSettings('email', EmailSettings, ctx.settings, 'Email');
    if (!s.ok) return s.result;
    const cfg = s.value;
    const security = cfg.security ?? 'starttls';
    const port = cfg.port ?? SMTP_PORTS[security];
    let auth: { user: string; pass: string } | undefined;
    if (cfg.user) {
      const pass = await requireSecret(ctx, cfg.passwordRef ?? DEFAULT_EMAIL_PASSWORD_REF, 'the SMTP password', smtpDestination(cfg.host, port, cfg.user));
      if (!pass.ok) return pass.result;
      auth = { user: cfg.user, pass: pass.value };
    }
    const where = `SMTP server ${cfg.host}:${port}`;
    // Loaded on the first email, not at start: nodemailer is about 20 MB of memory an engine without email never needs.
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: cfg.host,
      port,
      secure: security === 'tls',
      requireTLS: security === 'starttls',
      ignoreTLS: security === 'none',
      ...(auth ? { auth } : {}),
      tls: { rejectUnauthorized: cfg.rejectUnauthorized ?? true },
      connectionTimeout: ctx.timeoutMs,
      greetingTimeout: ctx.timeoutMs,
      socketTimeout: ctx.timeoutMs,
    });
    const abort = () => transport.close();
    ctx.signal.addEventListener('abort', abort, { once: true });
    try {
      const subject = m.text.split('\n', 1)[0] ?? '[Standby]';
      const info = await transport.sendMail({
        from: cfg.from,
        to: contact.address,
        subject,
        text: m.text,
        headers: {
          // RFC 3834: an automatic message, so auto-responders stay quiet.
          'Auto-Submitted': 'auto-generated',
          ...(m.test ? {} : { 'X-Standby-Incident': String(m.number) }),
          ...(m.deliveryKey ? { 'X-Standby-Delivery': m.deliveryKey } : {}),
        },
      });
      return { ok: true, detail: shorten(info.response ?? 'accepted', 120) };
    } catch (err) {
      if (ctx.signal.aborted) return { ok: false, retryable: true, error: `${where}: the attempt was cancelled` };
      return smtpError(err, where, ctx.timeoutMs);
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      transport.close();
    }
  },
};
