/**
 * Keys and tokens from the environment must be at least 32 random bytes (hex or base64):
 * `STANDBY_TOKEN=x` and `STANDBY_SECRET_STANDBY_ACKSIGNINGKEY=a` are refused at start with a message
 * naming the variable and the rule; a weak signing key found at first use leaves links out, saying why.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { ACK_KEY_REF } from '../../../electron/engine/notify/ack-links.ts';
import { EnvSecretStore } from '../../../electron/engine/secrets/env-store.ts';
import { KEY_RULE, keyStrengthProblem } from '../../../electron/engine/secrets/key-strength.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { ROOT, tempDir } from '../../helpers/headless.ts';
import { harness } from '../notify/harness.ts';
import { scripted } from '../notify/scripted-channel.ts';

const RULE = 'must be at least 32 random bytes, written as hex (64 characters) or base64 (44 characters), such as the output of `openssl rand -base64 32`';

describe('the rule', () => {
  it('accepts 32 random bytes or more as hex, base64 and base64url', () => {
    const bytes = randomBytes(32);
    for (const v of [bytes.toString('hex'), bytes.toString('hex').toUpperCase(), bytes.toString('base64'), bytes.toString('base64url'), randomBytes(64).toString('base64')]) {
      expect(keyStrengthProblem(v), v).toBeUndefined();
    }
    expect(KEY_RULE).toBe(RULE);
  });

  it('refuses fewer bytes, other spellings and repeated patterns, saying what it measured', () => {
    expect(keyStrengthProblem('x')).toBe(`${RULE}; this one is 1 character of base64, which is 0 bytes`);
    expect(keyStrengthProblem(randomBytes(31).toString('hex'))).toBe(`${RULE}; this one is 62 characters of hex, which is 31 bytes`);
    expect(keyStrengthProblem(randomBytes(31).toString('base64url'))).toMatch(/this one is 42 characters of base64, which is 31 bytes$/);
    // All hex digits count as hex, even when the same text read as base64 would be long enough.
    expect(keyStrengthProblem('A'.repeat(44))).toMatch(/this one is 44 characters of hex, which is 22 bytes$/);
    expect(keyStrengthProblem('correct horse battery staple correct horse battery')).toMatch(/this one is not hex or base64 \(it has spaces or other characters\)$/);
    expect(keyStrengthProblem('ab'.repeat(32))).toMatch(/this one repeats a short pattern, so it is not random$/);
    expect(keyStrengthProblem('passwordpasswordpasswordpasswordpasswordpassword')).toMatch(/repeats a short pattern/);
  });
});

/** cli runs `standby serve` in a child process that stops before it listens, and answers its exit status and output. */
function cli(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(ROOT, 'electron/engine/headless/cli.mjs'), 'serve', '--port', '0', '--data-dir', tempDir()], {
    cwd: ROOT,
    env: { ...process.env, STANDBY_TOKEN: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('at start', () => {
  it('STANDBY_TOKEN=x is refused with the variable, the rule and what to do', () => {
    const r = cli({ STANDBY_TOKEN: 'x' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`STANDBY_TOKEN ${RULE}; this one is 1 character of base64, which is 0 bytes. Or leave STANDBY_TOKEN unset to have Standby make one and keep it.`);
    expect(r.stdout).not.toContain('listening');
  });

  it('STANDBY_SECRET_STANDBY_ACKSIGNINGKEY=a is refused with the variable and the rule', () => {
    const r = cli({ STANDBY_SECRETS_FROM_ENV: '1', STANDBY_SECRET_STANDBY_ACKSIGNINGKEY: 'a' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`Standby could not start: STANDBY_SECRET_STANDBY_ACKSIGNINGKEY ${RULE}; this one is 1 character of base64, which is 0 bytes`);
  });

  it('the environment store refuses a weak signing key when it is made, and takes a strong one', () => {
    expect(() => new EnvSecretStore({ STANDBY_SECRET_STANDBY_ACKSIGNINGKEY: 'short-key' })).toThrow(/^STANDBY_SECRET_STANDBY_ACKSIGNINGKEY must be at least 32 random bytes/);
    expect(() => new EnvSecretStore({ STANDBY_SECRET_STANDBY_ACKSIGNINGKEY: randomBytes(32).toString('base64') })).not.toThrow();
    // The person's own tokens are the vendor's to define: no rule for them.
    expect(() => new EnvSecretStore({ STANDBY_SECRET_TWILIO_AUTHTOKEN: 'x' })).not.toThrow();
  });
});

describe('a token Standby makes', () => {
  let s: HeadlessServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('follows the rule, so it can be copied into STANDBY_TOKEN', async () => {
    s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', clock: new FakeClock(), secrets: new MemorySecretStore(), log: () => {} });
    expect(keyStrengthProblem(s.token)).toBeUndefined();
  });
});

describe('at first use', () => {
  it('a weak signing key in the keychain leaves the links out of the page, saying why', async () => {
    const sms = scripted('sms');
    const h = await harness({ channels: [sms], contact: { type: 'sms', label: 'SMS', address: '+14155550123', secretRef: null }, settings: { ack: { enabled: true, publicBaseUrl: 'https://standby.example.net' } }, secrets: { [ACK_KEY_REF]: 'a' } });
    const { id } = await h.trigger();
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0]!.ackLinks).toBeUndefined();
    expect(h.notifies(id)[0]!.data.ackLinks).toBe(`ack links left out: The ack links' signing key in the memory ("${ACK_KEY_REF}"; rotate it to replace it) ${RULE}; this one is 1 character of base64, which is 0 bytes`);
    // Rotating it replaces it with a strong one, and links go out again.
    await h.engine.invoke('secrets.rotate', { ref: ACK_KEY_REF });
    expect(await h.engine.lifecycle.delivery.ack.issue(id)).toBeDefined();
    await h.stop();
  });
});
