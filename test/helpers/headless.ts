/** Helpers to run the headless server, in this process or as a child process, and to call its API. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';

/** ROOT is the project directory. */
export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * START_MS bounds a child server's start. It takes about 0.4 s on a quiet machine; a slow, busy one
 * (CI with the other core taken) can need many times that.
 */
export const START_MS = 30_000;
/** WAIT_MS is waitFor's default bound: what the tests wait for takes milliseconds on a quiet machine. */
export const WAIT_MS = 20_000;
/**
 * CHILD_TEST_MS is the budget of a test that starts child servers (each start is node loading the
 * TypeScript sources): vitest's default would cut it short on a slow machine before its own waits
 * could say what is missing.
 */
export const CHILD_TEST_MS = 120_000;

/** tempDir makes a fresh directory for one test. */
export function tempDir(prefix = 'standby-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** ApiResponse is an HTTP answer with its JSON body, loosely typed because tests probe good and bad answers alike. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
export type ApiResponse = { status: number; body: any };

/** api POSTs to /api/<method> and returns status and parsed body. */
export async function api(url: string, token: string | undefined, method: string, body: unknown = {}, raw?: string): Promise<ApiResponse> {
  const res = await fetch(`${url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/** snapshot reads every table of the database, to show a failed request changed nothing. */
export function snapshot(db: DatabaseSync): Record<string, unknown[]> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
}

/** ChildServer is a headless Standby in its own process. */
export interface ChildServer {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** startChild spawns `node electron/engine/headless/cli.mjs serve ...` and waits for its "listening" line. */
export async function startChild(args: string[], env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [join(ROOT, 'electron/engine/headless/cli.mjs'), 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${START_MS / 1000} s:\n${out}`)), START_MS);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return { child, url, output: () => out, exited };
}

/** waitFor polls until check returns a truthy value or the time is up. */
export async function waitFor<T>(check: () => Promise<T> | T, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * phoneConfig writes a configuration file for a child server that pages one contact method (labelled
 * "Phone", given as a YAML flow mapping) at once for the high-urgency service "Blog", with the given
 * `channels:` lines; it answers the file's path.
 */
export function phoneConfig(dir: string, contact: string, channels: string): string {
  const path = join(dir, 'standby.yaml');
  writeFileSync(
    path,
    `version: 1
profile: { name: Ada, email: ada@example.com, phone: "", timeZone: UTC }
contactMethods:
  - ${contact}
notificationRules:
  - { urgency: high, startDelayMinutes: 0, contactMethod: Phone }
escalationPolicies:
  - { name: Me, repeatCount: 0, levels: [ { delayMinutes: 30, targets: [ { kind: me } ] } ] }
services:
  - { name: Blog, escalationPolicy: Me, urgencyRule: { type: constant, urgency: high }, ackTimeoutMinutes: 0, autoResolveMinutes: 0 }
channels:
${channels}
`,
  );
  return path;
}
