/**
 * The TLS certificate of a Standby reachable from the LAN: the person's own (`--tls-cert`,
 * `--tls-key`), or one Standby makes at its first start with LAN access and keeps in the data
 * directory (`tls-cert.pem`, and `tls-key.pem` with mode 0600), reused at every later start so its
 * fingerprint stays the one the person pinned. A made certificate is self-signed: no browser trusts
 * it by itself, so its SHA-256 fingerprint is printed at start and shown in Settings (`system.server`)
 * for the person to compare once and pin.
 *
 * It is made with @peculiar/x509 on Node's WebCrypto (an ECDSA P-256 key from Node's own crypto);
 * that library is loaded only here, only when a certificate has to be made.
 */
import { createHash, createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { localIp } from './host-check.ts';
import { PrivateFileError, privateFileProblem, writePrivateFile } from '../private-file.ts';

/** TLS_CERT_FILE and TLS_KEY_FILE are the made certificate and its key, in the data directory. */
export const TLS_CERT_FILE = 'tls-cert.pem';
/** TLS_KEY_FILE is the made certificate's private key (mode 0600). */
export const TLS_KEY_FILE = 'tls-key.pem';
/**
 * CERT_VALIDITY_DAYS is a made certificate's lifetime: 825 days, the most Apple platforms accept for
 * a TLS server certificate even when the person trusts it (https://support.apple.com/en-us/103769).
 */
export const CERT_VALIDITY_DAYS = 825;

/** TlsCertificate is a certificate and key to serve, with what a person needs to check and pin it. */
export interface TlsCertificate {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  /** fingerprint256 is the SHA-256 of the certificate, as browsers show it (AB:CD:...). */
  fingerprint256: string;
  /** publicKeyPin is curl's `--pinnedpubkey` value: sha256// and the base64 SHA-256 of the public key. */
  publicKeyPin: string;
  validUntil: string;
  /** names are the DNS names and IP addresses the certificate is for. */
  names: string[];
  selfSigned: boolean;
  /** created is true when this start made the certificate (a new fingerprint to pin). */
  created: boolean;
}

/** TlsCertificateError says why a certificate cannot be used, naming the file. */
export class TlsCertificateError extends Error {
  override readonly name = 'TlsCertificateError';
}

function describe(cert: string, key: string, certFile: string, keyFile: string, created: boolean): TlsCertificate {
  let x: X509Certificate;
  try {
    x = new X509Certificate(cert);
  } catch (err) {
    throw new TlsCertificateError(`${certFile} is not a PEM certificate (${(err as Error).message})`, { cause: err });
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new TlsCertificateError(`${keyFile} is not a PEM private key (${(err as Error).message})`, { cause: err });
  }
  if (!x.checkPrivateKey(privateKey)) throw new TlsCertificateError(`${keyFile} is not the private key of the certificate in ${certFile}`);
  const spki = x.publicKey.export({ type: 'spki', format: 'der' });
  const names = (x.subjectAltName ?? '').split(', ').filter(Boolean).map((n) => (n.startsWith('IP Address:') ? localIp(n.slice(11)) : n.replace(/^DNS:/, '')));
  return {
    cert,
    key,
    certFile,
    keyFile,
    fingerprint256: x.fingerprint256,
    publicKeyPin: `sha256//${createHash('sha256').update(spki).digest('base64')}`,
    validUntil: x.validToDate.toISOString(),
    names,
    selfSigned: x.subject === x.issuer && x.verify(x.publicKey),
    created,
  };
}

/** readTlsFiles loads the person's certificate and key (`--tls-cert`, `--tls-key`); it throws TlsCertificateError naming what is wrong. */
export function readTlsFiles(certFile: string, keyFile: string, now: number): TlsCertificate {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new TlsCertificateError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  };
  const keyProblem = privateFileProblem(keyFile);
  if (keyProblem) throw new TlsCertificateError(`--tls-key: ${keyProblem}`);
  const c = describe(read(certFile), read(keyFile), certFile, keyFile, false);
  if (Date.parse(c.validUntil) <= now) throw new TlsCertificateError(`--tls-cert: the certificate in ${certFile} expired on ${c.validUntil}; renew it`);
  return c;
}

/** CertificateNames are what a made certificate is issued for. */
export interface CertificateNames {
  dns: string[];
  ips: string[];
}

async function makeCertificate(names: CertificateNames, now: number): Promise<{ cert: string; key: string }> {
  // @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata API.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const alt: Array<{ type: 'dns' | 'ip'; value: string }> = [...[...new Set(names.dns)].map((value) => ({ type: 'dns' as const, value })), ...[...new Set(names.ips)].map((value) => ({ type: 'ip' as const, value }))];
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: 'CN=Standby',
    notBefore: new Date(now - 60 * 60_000),
    notAfter: new Date(now + CERT_VALIDITY_DAYS * 24 * 60 * 60_000),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(alt),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }) as string;
  return { cert: certificate.toString('pem'), key };
}

/**
 * selfSignedCertificate returns the data directory's certificate, making it first when there is
 * none (or it expired). An existing key file that others may read is refused, not reused.
 */
export async function selfSignedCertificate(dataDir: string, names: CertificateNames, now: number): Promise<TlsCertificate> {
  const certFile = join(dataDir, TLS_CERT_FILE);
  const keyFile = join(dataDir, TLS_KEY_FILE);
  for (const n of names.ips) if (isIP(n) === 0) throw new TlsCertificateError(`${n} is not an IP address`);
  if (existsSync(certFile) && existsSync(keyFile)) {
    const problem = privateFileProblem(keyFile);
    if (problem) throw new TlsCertificateError(problem);
    const c = describe(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'), certFile, keyFile, false);
    if (Date.parse(c.validUntil) > now) return c;
  }
  const made = await makeCertificate(names, now);
  try {
    writePrivateFile(keyFile, made.key);
  } catch (err) {
    throw new TlsCertificateError((err as Error).message, { cause: err instanceof PrivateFileError ? err : undefined });
  }
  const temp = `${certFile}.${process.pid}.tmp`;
  writeFileSync(temp, made.cert, { mode: 0o644 });
  renameSync(temp, certFile);
  return describe(made.cert, made.key, certFile, keyFile, true);
}
