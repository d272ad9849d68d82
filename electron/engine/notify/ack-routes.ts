/**
 * The ack link routes: `GET /ack/<token>` shows what the link will do and a button (so a link
 * previewer or a mail scanner that fetches it changes nothing); `POST /ack/<token>` does it, once.
 * A used, expired, forged, revoked or cut-short link does nothing and the page says why, as does every
 * link while ack links are turned off.
 */
import type { Context, Hono } from 'hono';
import { ApiError } from '../../shared/errors.ts';
import type { Incident } from '../../shared/schemas.ts';
import type { Engine } from '../engine.ts';
import type { AckAction, AckCheck } from './ack-links.ts';

const STATUS = { off: 403, malformed: 400, forged: 403, revoked: 410, used: 409, expired: 410 } as const;

/** ACK_PAGE_CSP lets the page show itself and post its one form to itself, nothing else. */
export const ACK_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function page(c: Context, status: 200 | 400 | 403 | 404 | 409 | 410 | 503, heading: string, body: string) {
  c.header('Content-Security-Policy', ACK_PAGE_CSP);
  c.header('Cache-Control', 'no-store');
  c.header('X-Robots-Tag', 'noindex');
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Standby: ${escapeHtml(heading)}</title>` +
      '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#222}button{font-size:1.1rem;padding:.7rem 1.4rem;border-radius:.4rem;border:0;background:#1a73e8;color:#fff}</style>' +
      `</head><body><h1>${escapeHtml(heading)}</h1>${body}</body></html>`,
    status,
  );
}

const verb = (a: AckAction) => (a === 'acknowledge' ? 'Acknowledge' : 'Resolve');
const describe = (i: Incident) => `<p><strong>#${i.number} ${escapeHtml(i.title)}</strong><br>Service: ${escapeHtml(i.serviceName)} · ${i.urgency} urgency · ${i.status}</p>`;

/** moot says why an action on an incident has nothing left to do, if so. */
function moot(i: Incident, action: AckAction): string | undefined {
  if (i.status === 'resolved') return `Incident #${i.number} is already resolved; this link does nothing.`;
  if (action === 'acknowledge' && i.status === 'acknowledged') return `Incident #${i.number} is already acknowledged; this link does nothing.`;
  return undefined;
}

/** mountAckRoutes adds the ack link routes to the HTTP app (no API token: the signed link is the authority). */
export function mountAckRoutes(app: Hono, engine: Engine): void {
  const links = engine.lifecycle.delivery.ack;

  const verify = async (c: Context): Promise<{ ok: true; check: Extract<AckCheck, { ok: true }>; incident: Incident } | { ok: false; res: Response }> => {
    let check: AckCheck;
    try {
      check = await links.check(c.req.param('token') ?? '');
    } catch (err) {
      return { ok: false, res: await page(c, 503, 'Standby cannot check this link', `<p>${escapeHtml((err as Error).message)}</p>`) };
    }
    if (!check.ok) return { ok: false, res: await page(c, STATUS[check.reason], 'This link does nothing', `<p>${escapeHtml(check.message)}</p>`) };
    try {
      return { ok: true, check, incident: engine.incidents.get(check.incidentId) };
    } catch {
      return { ok: false, res: await page(c, 404, 'This link does nothing', '<p>Its incident no longer exists.</p>') };
    }
  };

  app.get('/ack/:token', async (c) => {
    const v = await verify(c);
    if (!v.ok) return v.res;
    const { check, incident } = v;
    const done = moot(incident, check.action);
    if (done) return page(c, 200, 'Nothing to do', `${describe(incident)}<p>${escapeHtml(done)}</p>`);
    return page(
      c,
      200,
      `${verb(check.action)} incident #${incident.number}?`,
      `${describe(incident)}<form method="post"><button type="submit">${verb(check.action)} #${incident.number}</button></form><p>This link works once, until ${new Date(check.expiresAt).toISOString()}.</p>`,
    );
  });

  app.post('/ack/:token', async (c) => {
    const v = await verify(c);
    if (!v.ok) return v.res;
    const { check, incident } = v;
    const done = moot(incident, check.action);
    if (done) return page(c, 200, 'Nothing to do', `${describe(incident)}<p>${escapeHtml(done)}</p>`);
    const now = engine.clock.now();
    let after: Incident;
    try {
      after = engine.store.transaction(() => {
        if (!links.stillValid(check)) throw new ApiError('conflict', 'This link was revoked while it was being used (ack links were turned off or the signing key was rotated), so it does nothing.');
        if (!links.markUsed(check.nonce, check.incidentId, check.action, now)) throw new ApiError('conflict', 'This link was already used; a link works once.');
        const acted = engine.lifecycle.act(check.incidentId, { type: check.action, actor: 'me' });
        engine.incidents.addLog(check.incidentId, now, { type: 'annotate', actor: 'me', message: `${verb(check.action)}d with a signed link (from the phone)`, data: { via: 'ack_link' } });
        return acted;
      });
    } catch (err) {
      if (err instanceof ApiError) return page(c, 409, 'This link does nothing', `<p>${escapeHtml(err.message)}</p>`);
      throw err;
    }
    return page(c, 200, `Incident #${after.number} ${after.status}`, `${describe(after)}<p>Done. You can close this page.</p>`);
  });
}
