/**
 * The renderer's schema-driven forms: every monitor type's real JSON Schema (from `monitors.types`
 * of a real engine) becomes fields, a form left at its defaults gives settings the engine accepts,
 * and what a person types comes back as the settings they meant.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorTypeInfo } from '../../electron/shared/monitor-schemas.ts';
import { startHeadless, type HeadlessServer } from '../../electron/engine/headless/server.ts';
import { CHANNEL_SECTIONS } from '../../renderer/src/lib/channel-fields.ts';
import { configTexts, HIDDEN_CONFIG_KEYS } from '../../renderer/src/lib/monitor-format.ts';
import { configFromDraft, draftFromConfig, fieldsFromJsonSchema, type FieldSpec } from '../../renderer/src/lib/schema-form.ts';

describe('schema forms', () => {
  let server: HeadlessServer;
  let dataDir: string;
  let types: MonitorTypeInfo[];

  const specsOf = (kind: string): FieldSpec[] => {
    const t = types.find((x) => x.kind === kind);
    if (!t) throw new Error(`no monitor type ${kind}`);
    return fieldsFromJsonSchema(t.configSchema, configTexts(kind), HIDDEN_CONFIG_KEYS);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'standby-schema-form-'));
    server = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', log: () => {} });
    types = await server.engine.invoke('monitors.types', {});
  });

  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('turns every property of every monitor type into a field it knows (no raw JSON fallback but json.equals)', () => {
    const fallbacks: string[] = [];
    const walk = (specs: FieldSpec[], at: string): void => {
      for (const s of specs) {
        if (s.type === 'json') fallbacks.push(`${at}${s.key}`);
        if (s.type === 'group') walk(s.fields, `${at}${s.key}.`);
      }
    };
    for (const t of types) walk(specsOf(t.kind), `${t.kind}:`);
    expect(fallbacks).toEqual(['http:json.equals']);
    expect(specsOf('heartbeat').map((s) => s.key)).not.toContain('pingKey');
  });

  it('describes the HTTP type with the inputs a person expects', () => {
    const specs = specsOf('http');
    const byKey = Object.fromEntries(specs.map((s) => [s.key, s]));
    expect(byKey.url).toMatchObject({ type: 'text', inputType: 'url', required: true, label: 'URL' });
    expect(byKey.method).toMatchObject({ type: 'enum', default: 'GET' });
    expect(byKey.headers).toMatchObject({ type: 'map' });
    expect(byKey.expectedStatus).toMatchObject({ type: 'list', default: ['200-299'] });
    expect(byKey.followRedirects).toMatchObject({ type: 'boolean', default: true });
    expect(byKey.maxRedirects).toMatchObject({ type: 'number', integer: true, min: 0, max: 20, default: 10 });
    expect(byKey.keyword).toMatchObject({ type: 'group', required: false });
  });

  it('sends what was typed, leaves empty optional fields out, and round-trips saved settings', () => {
    const specs = specsOf('http');
    const d = draftFromConfig(specs, undefined);
    d.text.url = 'http://127.0.0.1:8080/health';
    d.text.headers = 'Accept: text/plain\nX-Probe:  standby ';
    d.text.expectedStatus = '200\n\n301-302\n';
    d.num.maxResponseMs = 500;
    d.groups.keyword!.on = true;
    d.groups.keyword!.draft.text.text = 'ready';
    d.groups.json!.draft.text.path = 'ignored.because.off';
    const config = configFromDraft(specs, d);
    expect(config).toEqual({
      url: 'http://127.0.0.1:8080/health',
      method: 'GET',
      headers: { Accept: 'text/plain', 'X-Probe': 'standby' },
      expectedStatus: ['200', '301-302'],
      followRedirects: true,
      maxRedirects: 10,
      ignoreTlsErrors: false,
      keyword: { text: 'ready', mode: 'present', caseSensitive: true },
      maxResponseMs: 500,
      slowIs: 'degraded',
    });
    expect(configFromDraft(specs, draftFromConfig(specs, config))).toEqual(config);
  });

  it('reads a JSON scalar as a number, a boolean, null or a string', () => {
    const specs = specsOf('http');
    const json = specs.find((s) => s.key === 'json');
    if (json?.type !== 'group') throw new Error('json is a group');
    const equals = (text: string): unknown => {
      const d = draftFromConfig(json.fields, { path: 'a' });
      d.text.equals = text;
      return configFromDraft(json.fields, d).equals;
    };
    expect(equals('3')).toBe(3);
    expect(equals('true')).toBe(true);
    expect(equals('null')).toBe(null);
    expect(equals('"3"')).toBe('3');
    expect(equals('ok')).toBe('ok');
    expect(equals('')).toBeUndefined();
    expect(draftFromConfig(json.fields, { path: 'a', equals: '3' }).text.equals).toBe('"3"');
  });

  it('gives settings the engine accepts for every monitor type once its required fields are filled', async () => {
    const required: Record<string, Record<string, string | number>> = {
      http: { url: 'http://127.0.0.1:1/' },
      tcp: { host: '127.0.0.1', port: 1 },
      process: { name: 'node' },
      disk: { path: '/', minFreePercent: 1 },
      dns: { name: 'localhost' },
      tls: { host: '127.0.0.1' },
      heartbeat: { periodSeconds: 3600 },
    };
    for (const t of types) {
      const specs = specsOf(t.kind);
      const d = draftFromConfig(specs, undefined);
      for (const [k, v] of Object.entries(required[t.kind] ?? {})) {
        if (typeof v === 'number') d.num[k] = v;
        else d.text[k] = v;
      }
      const m = await server.engine.invoke('monitors.create', { name: `form ${t.kind}`, kind: t.kind, serviceId: 1, config: configFromDraft(specs, d), enabled: false });
      expect(m.kind).toBe(t.kind);
    }
  });

  it('sends only the fields of the chosen SMS provider', () => {
    const sms = CHANNEL_SECTIONS.find((s) => s.kind === 'sms')!;
    const d = draftFromConfig(sms.fields, null);
    d.text.url = 'https://gateway.example/sms';
    expect(configFromDraft(sms.fields, d)).toEqual({ provider: 'twilio' });
    d.text.provider = 'webhook';
    expect(configFromDraft(sms.fields, d)).toEqual({ provider: 'webhook', url: 'https://gateway.example/sms' });
  });
});
