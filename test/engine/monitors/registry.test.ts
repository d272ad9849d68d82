/** The monitor type registry: every file in types/ is registered, duplicates are refused, each type describes its settings. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MonitorType } from '../../../electron/engine/monitors/monitor-type.ts';
import { builtinMonitorTypes, MonitorTypeRegistry } from '../../../electron/engine/monitors/registry.ts';
import { ApiError } from '../../../electron/shared/errors.ts';
import { ROOT } from '../../helpers/headless.ts';

const TYPES_DIR = join(ROOT, 'electron/engine/monitors/types');

function isMonitorType(v: unknown): v is MonitorType {
  return typeof v === 'object' && v !== null && typeof (v as MonitorType).kind === 'string' && typeof (v as MonitorType).check === 'function' && 'schema' in v;
}

describe('monitor type registry', () => {
  it('registers the monitor type of every file in monitors/types/', async () => {
    const registry = builtinMonitorTypes();
    const files = readdirSync(TYPES_DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) {
      const mod = (await import(join(TYPES_DIR, file))) as Record<string, unknown>;
      const types = Object.values(mod).filter(isMonitorType);
      expect(types.length, `${file} exports one monitor type`).toBe(1);
      expect(registry.get(types[0]!.kind), `${file}: "${types[0]!.kind}" is missing from builtinMonitorTypes() in registry.ts`).toBe(types[0]);
    }
    expect(registry.kinds().length).toBe(files.length);
  });

  it('has the seven built-in kinds', () => {
    expect(builtinMonitorTypes().kinds()).toEqual(['http', 'tcp', 'process', 'disk', 'dns', 'tls', 'heartbeat']);
  });

  it('refuses a kind registered twice', () => {
    const registry = builtinMonitorTypes();
    expect(() => registry.register(registry.get('http')!)).toThrow('a monitor type "http" is registered twice');
  });

  it('validates a config against its type, naming the field and the rule', () => {
    const registry = builtinMonitorTypes();
    const err = (() => {
      try {
        registry.parseConfig('tcp', { host: '', port: 80 }, 'value.config');
      } catch (e) {
        return e as ApiError;
      }
      throw new Error('expected an error');
    })();
    expect(err.issues).toEqual([{ path: 'value.config.host', message: 'must not be empty' }]);
    expect(() => new MonitorTypeRegistry().require('ftp')).toThrow('kind: must be one of ');
  });

  it('describes each type with a JSON Schema of its settings, for forms', () => {
    const http = builtinMonitorTypes().describe().find((t) => t.kind === 'http')!;
    expect(http.label).toBe('HTTP(S)');
    expect(http.configSchema).toMatchObject({ type: 'object', required: ['url'], properties: { url: { type: 'string' }, method: { default: 'GET' } } });
  });
});
