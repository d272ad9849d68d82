/**
 * The network flags of `standby serve`: where it listens (--host, --allow-lan), how (TLS, or the
 * explicit --insecure-http), which names it answers to (--public-url) and where the token goes
 * (--token-file). checkServeFlags checks them all before anything is bound or written, and says
 * what is wrong in a person's words, naming the flag.
 */
import { privateFileProblem } from '../private-file.ts';
import type { TlsCertificate } from '../http/tls-certificate.ts';
import { isLoopbackIp, localIp, publicName } from '../http/host-check.ts';
import { resolveBindHost, isWildcard, type Lookup } from './bind-host.ts';

/** SERVE_FLAG_OPTIONS are the flags for node:util parseArgs. */
export const SERVE_FLAG_OPTIONS = {
  host: { type: 'string' },
  'allow-lan': { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'insecure-http': { type: 'boolean' },
  'public-url': { type: 'string', multiple: true },
  'token-file': { type: 'string' },
} as const;

/** SERVE_FLAGS_USAGE is their part of `standby serve --help`. */
export const SERVE_FLAGS_USAGE = `  --host ADDR      address to bind (default 127.0.0.1): an IP address, or a name that resolves only to
                   loopback addresses; anything else needs --allow-lan
  --allow-lan      allow a --host other machines can reach, so tools on the network can send alerts;
                   it serves HTTPS only, with --tls-cert/--tls-key or a certificate Standby makes at
                   first start (kept in DIR, its SHA-256 fingerprint printed to check and pin)
  --tls-cert FILE  serve HTTPS with this PEM certificate (and --tls-key FILE, its key, mode 0600)
  --insecure-http  with --allow-lan, serve plain HTTP anyway: the token and your incidents cross the
                   network readable by anyone on it
  --public-url URL a URL you reach Standby by (a name, a reverse proxy); Standby answers only to its own
                   address, localhost and these names (repeat for several)
  --token-file F   write the API token to F (mode 0600); without a terminal it goes to DIR/api-token`;

/** ServeFlagValues are the parsed flags checkServeFlags reads. */
export interface ServeFlagValues {
  host?: string | undefined;
  'allow-lan'?: boolean | undefined;
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'insecure-http'?: boolean | undefined;
  'public-url'?: string[] | undefined;
  'token-file'?: string | undefined;
}

/** ServeNetwork is what the flags decided, with the start lines that tell the person about it. */
export type ServeNetwork =
  | {
      ok: true;
      /** address is the IP address to bind (a --host name is resolved once, here). */
      address: string;
      allowLan: boolean;
      /** lan is true when the bound address is one other machines can reach. */
      lan: boolean;
      tls: { certFile: string; keyFile: string } | 'self-signed' | undefined;
      publicUrls: string[];
      startLines(tls: TlsCertificate | undefined): string[];
    }
  | { ok: false; message: string };

/** checkPublicUrl answers what is wrong with a --public-url value (undefined: nothing). */
export function checkPublicUrl(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return `--public-url ${text}: must be a full URL such as https://standby.example.net`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `--public-url ${text}: must start with http:// or https://`;
  if (u.username || u.password) return `--public-url ${text}: must not carry a user name or password`;
  if (u.search || u.hash) return `--public-url ${text}: must not have a query (?...) or fragment (#...)`;
  return undefined;
}

/** checkServeFlags checks the network flags; lookup resolves a --host name (tests pass their own). */
export async function checkServeFlags(v: ServeFlagValues, lookup?: Lookup): Promise<ServeNetwork> {
  const allowLan = v['allow-lan'] === true;
  const insecure = v['insecure-http'] === true;
  const certFile = v['tls-cert'];
  const keyFile = v['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) return { ok: false, message: `${certFile === undefined ? '--tls-key' : '--tls-cert'}: needs ${certFile === undefined ? '--tls-cert FILE' : '--tls-key FILE'} too (the certificate and its private key)` };
  if (insecure && certFile !== undefined) return { ok: false, message: '--insecure-http: cannot be used with --tls-cert; choose one' };
  if (insecure && !allowLan) return { ok: false, message: '--insecure-http: only means something with --allow-lan (on loopback Standby speaks plain HTTP anyway)' };
  for (const url of v['public-url'] ?? []) {
    const problem = checkPublicUrl(url);
    if (problem) return { ok: false, message: problem };
  }
  if (v['token-file'] !== undefined) {
    const problem = privateFileProblem(v['token-file']);
    if (problem) return { ok: false, message: `--token-file: ${problem}` };
  }
  const host = v.host ?? '127.0.0.1';
  const bind = await resolveBindHost(host, allowLan, lookup);
  if (!bind.ok) return bind;
  const tls = certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : allowLan && !insecure ? ('self-signed' as const) : undefined;
  return {
    ok: true,
    address: bind.address,
    allowLan,
    lan: bind.lan,
    tls,
    publicUrls: v['public-url'] ?? [],
    startLines: (cert) => {
      const lines: string[] = [];
      if (allowLan && isLoopbackIp(localIp(bind.address))) {
        lines.push(`LAN access allowed (--allow-lan), but bound to ${bind.address}, a loopback address: only this machine can connect.`);
      } else if (allowLan) {
        const where = isWildcard(bind.address) ? 'every network interface' : bind.address === host ? host : `${host} (${bind.address})`;
        lines.push(`LAN access allowed (--allow-lan): bound to ${where}, so other machines on the network can reach Standby. Use --host 127.0.0.1 to keep it local.`);
      }
      if (cert) {
        const origin = cert.created ? 'made now by Standby' : cert.selfSigned ? 'made by Standby' : 'yours';
        lines.push(`HTTPS only, certificate ${cert.certFile} (${origin}, valid until ${cert.validUntil.slice(0, 10)}, for ${cert.names.join(', ')}).`);
        lines.push(`Certificate SHA-256 fingerprint: ${cert.fingerprint256}`);
        if (cert.selfSigned) lines.push(`It is self-signed: check that your browser shows this fingerprint before you trust it, or pin it (curl --cacert ${cert.certFile}, or --pinnedpubkey '${cert.publicKeyPin}').`);
        const wanted = [...(isWildcard(bind.address) ? [] : [localIp(bind.address)]), ...(v['public-url'] ?? []).map((u) => publicName(u)?.name).filter((n): n is string => n !== undefined)];
        const missing = wanted.filter((n) => !cert.names.includes(n));
        if (missing.length > 0) {
          const remedy = cert.selfSigned ? `remove ${cert.certFile} and ${cert.keyFile} to have a new one made (with a new fingerprint)` : 'give a certificate that names them';
          lines.push(`The certificate does not name ${missing.join(', ')}: clients that check names will refuse it there; ${remedy}.`);
        }
      }
      if (insecure) lines.push('Plain HTTP on the network (--insecure-http): the API token, your incidents and alerts cross the network readable by anyone on it.');
      if ((v['public-url'] ?? []).length > 0) lines.push(`Also answering to: ${(v['public-url'] ?? []).join(', ')} (--public-url).`);
      return lines;
    },
  };
}
