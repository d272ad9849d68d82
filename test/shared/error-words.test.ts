/**
 * All validation errors at once, in a person's words: zod's own messages reworded, cross-field rules that
 * name no internal field, one message per bad value, every error of a monitor in one answer (its type's
 * settings too), each said as a sentence about its field's label.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EmailSettings } from '../../electron/shared/channel-schemas.ts';
import { fieldLabel, issueSentence } from '../../electron/shared/field-labels.ts';
import { ServiceInput } from '../../electron/shared/schemas.ts';
import { testEngine } from '../helpers/engine.ts';
import { ApiError } from '../../electron/shared/errors.ts';

describe('zod messages in a person\'s words', () => {
  it('a service description past 2,000 characters says so, not "Too big: expected string to have <=2000 characters"', () => {
    const r = ServiceInput.safeParse({ name: 'Blog', escalationPolicyId: 1, description: 'x'.repeat(2001) });
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['description', 'must be at most 2,000 characters']]);
    expect(issueSentence('description', 'must be at most 2,000 characters')).toBe('Description must be at most 2,000 characters');
  });

  it('words the other defaults a schema leaves to zod', () => {
    const m = (s: z.ZodType, v: unknown) => s.safeParse(v).error?.issues[0]?.message;
    expect(m(z.array(z.number()).max(2), [1, 2, 3])).toBe('must list at most 2');
    expect(m(z.number().min(3), 1)).toBe('must be at least 3');
    expect(m(z.string().min(1), '')).toBe('must not be empty');
    expect(m(z.enum(['high', 'low']), 'medium')).toBe('must be one of "high", "low"');
    expect(m(z.boolean(), 'yes')).toBe('must be true or false');
    expect(m(z.strictObject({ a: z.string() }), {})).toBe('is required');
    expect(m(z.url(), 'nope')).toBe('must be a URL');
    // A message the schema gives is kept.
    expect(m(z.string().max(1, 'must be one letter'), 'ab')).toBe('must be one letter');
  });

  it('labels fields as the forms do, never by their internal names', () => {
    expect(fieldLabel('timeoutSeconds')).toBe('Timeout');
    expect(fieldLabel('value.config.expectedStatus.0')).toBe('Expected status codes');
    expect(fieldLabel('levels.0.delayMinutes')).toBe('Escalate after');
    expect(fieldLabel('flapping.windowMinutes')).toBe('Flapping window');
    expect(fieldLabel('config.followRedirects')).toBe('Follow redirects');
  });

  it('the SMTP From takes standby@localhost and still refuses what is not an address', () => {
    const base = { host: '127.0.0.1' };
    expect(EmailSettings.safeParse({ ...base, from: 'standby@localhost' }).success).toBe(true);
    expect(EmailSettings.safeParse({ ...base, from: 'pager@mail.example.com' }).success).toBe(true);
    expect(EmailSettings.safeParse({ ...base, from: 'standby' }).error?.issues[0]?.message).toBe('must be an email address, such as standby@example.com or standby@localhost');
    expect(EmailSettings.safeParse({ ...base, from: 'a b@localhost' }).success).toBe(false);
  });
});

describe('a monitor\'s errors arrive at once', () => {
  it('the name, the timeout over the interval, the URL and a bad status code, each once and in words', async () => {
    const { engine } = await testEngine();
    const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
    const err = await engine
      .invoke('monitors.create', { name: '', kind: 'http', serviceId, intervalSeconds: 10, timeoutSeconds: 30, config: { url: 'not a url', expectedStatus: ['abc'] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const issues = (err as ApiError).issues ?? [];
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['name', 'must not be empty'],
      ['timeoutSeconds', 'must be at most the check interval (10 s)'],
      ['config.url', 'must be an http(s) URL'],
      ['config.expectedStatus.0', 'must be a status code such as "200" or a range such as "200-299"'],
    ]);
    expect(issues.map((i) => issueSentence(i.path, i.message))).toEqual([
      'Name must not be empty',
      'Timeout must be at most the check interval (10 s)',
      'URL must be an http(s) URL',
      'Expected status codes must be a status code such as "200" or a range such as "200-299"',
    ]);
    for (const i of issues) expect(i.message).not.toMatch(/intervalSeconds|timeoutSeconds|Too big|Invalid/);
  });

  it('an update names the same fields under value', async () => {
    const { engine } = await testEngine();
    const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
    const m = await engine.invoke('monitors.create', { name: 'Site', kind: 'http', serviceId, config: { url: 'http://127.0.0.1:9/' } });
    const err = (await engine.invoke('monitors.update', { id: m.id, value: { name: 'Site', kind: 'http', serviceId, intervalSeconds: 10, timeoutSeconds: 20, config: { url: 'x' } } }).catch((e: unknown) => e)) as ApiError;
    expect(err.issues?.map((i) => i.path)).toEqual(['value.timeoutSeconds', 'value.config.url']);
  });
});
