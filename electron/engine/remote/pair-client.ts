/**
 * The device side of pairing: the person enters the box's address and the code shown on it. The
 * first connection cannot check the certificate against anything (the box made it), so it is read,
 * and the answer's fingerprint (the one the box shows on its screen) must be the connection's own;
 * the device shows it for the person to compare and pins that certificate from then on (pin.ts).
 */
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { PairedDevice } from '../../shared/api.ts';
import { mismatch, pemOf, type BoxPin } from './pin.ts';

/** Paired is what pairing gives the device: its token (for the OS keychain), the pin, and the device as the box lists it. */
export interface Paired {
  token: string;
  pin: BoxPin;
  device: PairedDevice;
}

/** PairingError is a refusal from the box (a wrong, used or expired code) or a box that cannot be reached, in words. */
export class PairingError extends Error {
  override readonly name = 'PairingError';
}

/** pairWithBox sends the code to `<url>/pair` and answers the device's token and the box's pinned certificate. */
export function pairWithBox(o: { url: string; code: string; name: string; timeoutMs?: number }): Promise<Paired> {
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    return Promise.reject(new PairingError(`"${o.url}" is not an address: give the box's address as it shows it, such as https://192.168.1.5:8730`));
  }
  if (u.protocol !== 'https:') return Promise.reject(new PairingError(`${o.url}: a box is reached over HTTPS (start it with --allow-lan, see docs/box.md)`));
  const body = JSON.stringify({ code: o.code, name: o.name, kind: 'desktop' });
  return new Promise<Paired>((resolve, reject) => {
    const req = request(
      { hostname: u.hostname, port: u.port || 443, path: '/pair', method: 'POST', rejectUnauthorized: false, timeout: o.timeoutMs ?? 15_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let answer: { device?: PairedDevice; token?: string; fingerprint256?: string | null; error?: { message?: string } };
          try {
            answer = JSON.parse(text) as typeof answer;
          } catch {
            return reject(new PairingError(`${u.origin} answered HTTP ${res.statusCode} without JSON: is it a Standby?`));
          }
          if (res.statusCode !== 200 || !answer.token || !answer.device) return reject(new PairingError(answer.error?.message ?? `${u.origin} refused the pairing (HTTP ${res.statusCode})`));
          // The fingerprint the box reports (and shows on its screen) must be the certificate this connection saw.
          if (!cert?.fingerprint256 || answer.fingerprint256 !== cert.fingerprint256) return reject(mismatch(u.origin, answer.fingerprint256 ?? 'none', cert?.fingerprint256));
          resolve({ token: answer.token, device: answer.device, pin: { url: u.origin, fingerprint256: cert.fingerprint256, certificatePem: pemOf(cert) } });
        });
      },
    );
    req.on('timeout', () => req.destroy(new PairingError(`${u.origin} did not answer within ${(o.timeoutMs ?? 15_000) / 1000} s`)));
    req.on('error', (err) => reject(err instanceof PairingError ? err : new PairingError(`${u.origin} cannot be reached (${(err as NodeJS.ErrnoException).code ?? err.message}): is the box on, and the address right?`)));
    req.end(body);
  });
}
