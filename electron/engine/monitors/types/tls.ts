/**
 * TLS certificate: the certificate a server presents is valid (chain and host name, as Node checks
 * them against its CA store and an optional extra CA file) and expires in more than N days.
 */
import { readFile } from 'node:fs/promises';
import { connect, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import { z } from 'zod';
import { defineMonitorType, errorText, isLoopbackHost, round } from '../monitor-type.ts';

const DAY = 86_400_000;

/** TlsConfig is a TLS monitor's settings. */
export const TlsConfig = z.strictObject({
  host: z.string().trim().min(1, 'must not be empty').max(253, 'must be at most 253 characters'),
  port: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 to 65535').max(65535, 'must be 1 to 65535').default(443),
  /** servername is the name sent in SNI and checked against the certificate (default: host). */
  servername: z.string().trim().min(1).max(253).optional(),
  /** minDaysRemaining: fewer days than this before the certificate expires is down. */
  minDaysRemaining: z.number().int('must be whole days').min(0, 'must be 0 to 3650 days').max(3650, 'must be 0 to 3650 days').default(14),
  /** caFile: a PEM file of the certificate authorities to trust instead of the public ones (a private CA). */
  caFile: z.string().trim().regex(/^\//, 'must be an absolute path').optional(),
});
export type TlsConfig = z.infer<typeof TlsConfig>;

interface Handshake {
  cert: PeerCertificate;
  authorized: boolean;
  authorizationError: string | null;
  ms: number;
}

function handshake(c: TlsConfig, ca: string | undefined, signal: AbortSignal): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const servername = c.servername ?? (isIP(c.host) ? undefined : c.host);
    // rejectUnauthorized is off so that an invalid chain is reported with its reason rather than as a bare error.
    const socket = connect({ host: c.host, port: c.port, ...(servername ? { servername } : {}), rejectUnauthorized: false, ...(ca ? { ca } : {}) });
    const abort = () => socket.destroy(new Error('aborted'));
    signal.addEventListener('abort', abort, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', abort));
    socket.once('secureConnect', () => {
      const result = { cert: socket.getPeerCertificate(), authorized: socket.authorized, authorizationError: socket.authorizationError ? String(socket.authorizationError) : null, ms: performance.now() - started };
      socket.destroy();
      resolve(result);
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

/** tlsMonitor checks a server's certificate: valid chain and days until expiry. */
export const tlsMonitor = defineMonitorType({
  kind: 'tls',
  label: 'TLS certificate',
  description: 'Connects with TLS and checks that the certificate is valid for the host and expires in more than a number of days.',
  schema: TlsConfig,
  confirmsFailures: true,
  startsEarly: true,
  needsNetwork: (c) => !isLoopbackHost(c.host),
  async check(c, ctx) {
    const target = `${c.host}:${c.port}`;
    let h: Handshake;
    try {
      const ca = c.caFile ? await readFile(c.caFile, 'utf8') : undefined;
      h = await handshake(c, ca, ctx.signal);
    } catch (err) {
      const message = ctx.signal.aborted ? `no TLS handshake with ${target} within ${ctx.timeoutMs} ms` : `TLS to ${target} failed: ${errorText(err)}`;
      return { status: 'down', message, details: { host: c.host, port: c.port } };
    }
    const expires = Date.parse(h.cert.valid_to);
    const days = Math.floor((expires - ctx.now()) / DAY);
    const details = {
      host: c.host,
      port: c.port,
      subject: h.cert.subject?.CN ?? null,
      issuer: h.cert.issuer?.CN ?? null,
      validTo: Number.isFinite(expires) ? new Date(expires).toISOString() : h.cert.valid_to,
      daysRemaining: days,
      authorized: h.authorized,
      ...(h.authorizationError ? { authorizationError: h.authorizationError } : {}),
    };
    const latencyMs = round(h.ms);
    if (!h.authorized) return { status: 'down', message: `the certificate of ${target} is not valid: ${h.authorizationError ?? 'unknown reason'}`, latencyMs, details };
    if (days < c.minDaysRemaining) {
      const when = days < 0 ? `expired ${-days} day${days === -1 ? '' : 's'} ago` : `expires in ${days} day${days === 1 ? '' : 's'}`;
      return { status: 'down', message: `the certificate of ${target} ${when} (${details.validTo}), under the ${c.minDaysRemaining}-day minimum`, latencyMs, details };
    }
    return { status: 'up', message: `the certificate of ${target} is valid for ${days} more days`, latencyMs, details };
  },
});
