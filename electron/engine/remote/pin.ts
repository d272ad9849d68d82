/**
 * Pinning a box's certificate. A box makes its own self-signed certificate, so no CA vouches for it:
 * the device trusts the certificate the person checked at pairing (its SHA-256 fingerprint, shown on
 * the box and on the device) and nothing else. The pinned certificate becomes the only CA the device
 * trusts for that box, and the fingerprint is checked again on every connection, so a box with another
 * certificate (or anyone in between) is refused with a message that says so.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';

/** BoxPin is what a device keeps about its box besides the token: where it is and its certificate. */
export interface BoxPin {
  url: string;
  fingerprint256: string;
  /** certificatePem is the box's certificate, the only one trusted for it. */
  certificatePem: string;
}

/** CertificateMismatchError says the box answered with a certificate other than the pinned one. */
export class CertificateMismatchError extends Error {
  override readonly name = 'CertificateMismatchError';
}

/** pemOf turns a peer certificate's DER bytes into PEM. */
export function pemOf(cert: PeerCertificate): string {
  const b64 = cert.raw.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/** fingerprintOf is a PEM certificate's SHA-256 fingerprint, as the box prints it ("3A:51:…"). */
export function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** mismatch is the message for a box that shows another certificate. */
export function mismatch(url: string, pinned: string, shown: string | undefined): CertificateMismatchError {
  return new CertificateMismatchError(
    `${url} showed a certificate other than the one this device paired with (expected SHA-256 ${pinned}, got ${shown ?? 'none'}). If the box made a new certificate, pair again; otherwise something between you and the box is answering in its place.`,
  );
}

/** pinnedTls is the TLS options (got's `https`) that trust the pinned certificate only. */
export function pinnedTls(pin: BoxPin): { certificateAuthority: string; checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined } {
  return {
    certificateAuthority: pin.certificatePem,
    // The name is not checked (a box is reached by a LAN address or a name its certificate may not list); the fingerprint is.
    checkServerIdentity: (_host, cert) => (cert.fingerprint256 === pin.fingerprint256 ? undefined : mismatch(pin.url, pin.fingerprint256, cert.fingerprint256)),
  };
}
