/**
 * startHeadless runs the whole engine without Electron: the database in a data directory (locked
 * to this process), the scheduler, and the HTTP API plus web UI on 127.0.0.1. The Electron-less
 * `npm start`, `npm run serve` and the UI tests all come through here.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { ApiError } from '../../shared/errors.ts';
import { SystemClock, type Clock } from '../clock.ts';
import { DATABASE_FILE } from '../data-dir.ts';
import { Engine } from '../engine.ts';
import { publicName } from '../http/host-check.ts';
import { listenHttp } from '../http/listen.ts';
import { readTlsFiles, selfSignedCertificate, type CertificateNames, type TlsCertificate } from '../http/tls-certificate.ts';
import { acquireInstanceLock } from '../instance-lock.ts';
import { DesktopRelay } from '../notify/desktop-relay.ts';
import { builtinChannels } from '../notify/registry.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { WalSync } from '../store/wal-flusher.ts';
import { chooseApiToken, type ApiTokenSource } from './api-token.ts';

/** HeadlessOptions configures a headless server. */
export interface HeadlessOptions {
  dataDir: string;
  port: number;
  host: string;
  configFile?: string | undefined;
  /** token is the API token to use (STANDBY_TOKEN, or a test's); without it the kept one (api-token.ts). */
  token?: string | undefined;
  /** rotateToken makes and keeps a new API token (`--new-token`), ending the sessions of the old one. */
  rotateToken?: boolean | undefined;
  uiDir?: string | undefined;
  clock?: Clock;
  log?: (line: string) => void;
  /** secrets is where integration keys and tokens live (default: the engine's, in memory). */
  secrets?: SecretStore | undefined;
  /** keepBackups is how many daily backups to keep in the data directory (default 7; 0: none). */
  keepBackups?: number | undefined;
  /** secretTimeoutMs is each secret-store call's deadline (default 5 s; tests shorten it). */
  secretTimeoutMs?: number | undefined;
  /** tls serves HTTPS only: with the person's certificate files, or 'self-signed' for the one Standby makes and keeps in the data directory. */
  tls?: { certFile: string; keyFile: string } | 'self-signed' | undefined;
  /** publicUrls are URLs the person reaches Standby by (`--public-url`); their names pass the Host check. */
  publicUrls?: string[] | undefined;
  /** lanAccess is true when the bound address is one other machines can reach (shown by `system.server`). */
  lanAccess?: boolean | undefined;
  /** walSync replaces the flush of the write-ahead log after a group commit (tests hold it; see WalFlusher). */
  walSync?: WalSync | undefined;
}

/** HeadlessServer is a running headless Standby. */
export interface HeadlessServer {
  engine: Engine;
  url: string;
  token: string;
  /** tokenSource says where the token came from; tokenLine, when set, tells the person about it. */
  tokenSource: ApiTokenSource;
  tokenLine: string | undefined;
  /** tls is the certificate served, when the server speaks HTTPS. */
  tls: TlsCertificate | undefined;
  close(): Promise<void>;
}

/** certificateNames are what a made certificate is for: this machine's names and loopback, the bound address (every interface's for a wildcard bind) and the public URLs' hosts. */
export function certificateNames(host: string, publicUrls: string[]): CertificateNames {
  const dns = ['localhost', hostname().toLowerCase()];
  const ips = ['127.0.0.1', '::1'];
  if (host === '0.0.0.0' || host === '::') {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (!a.internal) ips.push(a.address.replace(/%.*$/, ''));
  } else if (isIP(host) !== 0) ips.push(host);
  for (const url of publicUrls) {
    const n = publicName(url);
    if (n) (isIP(n.name) !== 0 ? ips : dns).push(n.name);
  }
  return { dns: [...new Set(dns)].filter((d) => /^[a-z0-9.-]+$/.test(d)), ips: [...new Set(ips)] };
}

/** startHeadless starts the engine and its HTTP server; it throws (and holds nothing) when it cannot. */
export async function startHeadless(o: HeadlessOptions): Promise<HeadlessServer> {
  const log = o.log ?? ((line: string) => console.log(line));
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const release = acquireInstanceLock(o.dataDir);
  let engine: Engine | undefined;
  try {
    // Headless, the connected UIs are the desktop: a notification is delivered when one of them confirms it.
    const desktop = new DesktopRelay({
      publish: (n) => {
        engine?.publish({ type: 'notification.desktop', data: n });
        log(`desktop notification: ${n.title} (${n.body}) to ${desktop.connected()} connected UI(s)`);
      },
      // A UI that connects is a desktop again: the desktop pages that found none go out now.
      attached: () => engine?.lifecycle.releaseWaiting('desktop'),
    });
    engine = new Engine({
      databasePath: join(o.dataDir, DATABASE_FILE),
      clock: o.clock ?? new SystemClock(),
      channels: builtinChannels(desktop),
      desktopRelay: desktop,
      log,
      ...(o.secrets ? { secrets: o.secrets } : {}),
      ...(o.secretTimeoutMs !== undefined ? { secretTimeoutMs: o.secretTimeoutMs } : {}),
      ...(o.keepBackups !== undefined ? { keepBackups: o.keepBackups } : {}),
      ...(o.walSync ? { walSync: o.walSync } : {}),
    });
    if (o.configFile) {
      let text: string;
      try {
        text = readFileSync(o.configFile, 'utf8');
      } catch (err) {
        throw new Error(`cannot read the configuration file ${o.configFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
      }
      try {
        const s = await engine.importConfig(text);
        log(`imported ${o.configFile}: ${s.services} service(s), ${s.escalationPolicies} escalation polic${s.escalationPolicies === 1 ? 'y' : 'ies'}, ${s.contactMethods} contact method(s), ${s.notificationRules} notification rule(s), ${s.monitors} monitor(s)`);
      } catch (err) {
        if (err instanceof ApiError) throw new Error(`the configuration file ${o.configFile} is not valid, nothing was imported: ${err.message}`, { cause: err });
        throw err;
      }
    }
    const now = (o.clock ?? new SystemClock()).now();
    const tls = o.tls === undefined ? undefined : o.tls === 'self-signed' ? await selfSignedCertificate(o.dataDir, certificateNames(o.host, o.publicUrls ?? []), now) : readTlsFiles(o.tls.certFile, o.tls.keyFile, now);
    await engine.start();
    const { token, source: tokenSource, line: tokenLine } = await chooseApiToken({ secrets: engine.secrets, fromEnv: o.token, rotate: o.rotateToken });
    const http = await listenHttp(engine, o.host, o.port, {
      token,
      uiDir: o.uiDir,
      tls,
      publicUrls: o.publicUrls,
      info: {
        lanAccess: o.lanAccess ?? false,
        tls: tls ? { fingerprint256: tls.fingerprint256, publicKeyPin: tls.publicKeyPin, selfSigned: tls.selfSigned, certificateFile: tls.certFile, validUntil: tls.validUntil, names: tls.names } : null,
      },
    });
    engine.inboundAddress.report({ url: http.url, port: http.port, wantedPort: o.port, wantedFrom: '--port', unavailable: null, live: false });
    const running = engine;
    return {
      engine: running,
      url: http.url,
      token,
      tokenSource,
      tokenLine,
      tls,
      async close() {
        await http.close();
        await running.stop();
        release();
      },
    };
  } catch (err) {
    if (engine) await engine.stop().catch(() => {});
    release();
    throw err;
  }
}
