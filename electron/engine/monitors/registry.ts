/**
 * The monitor type registry: one explicit list, duplicates refused. A test fails when a file in
 * types/ is missing from this list. The registry also checks a monitor's `config` against its
 * type's schema, so errors name the field (`config.url: must be an http(s) URL`).
 */
import { z } from 'zod';
import type { MonitorTypeInfo } from '../../shared/monitor-schemas.ts';
import { ApiError, invalidInput, issuesOf, type Issue } from '../../shared/errors.ts';
import type { MonitorType } from './monitor-type.ts';
import { diskMonitor } from './types/disk.ts';
import { dnsMonitor } from './types/dns.ts';
import { heartbeatMonitor } from './types/heartbeat.ts';
import { httpMonitor } from './types/http.ts';
import { processMonitor } from './types/process.ts';
import { tcpMonitor } from './types/tcp.ts';
import { tlsMonitor } from './types/tls.ts';

/** MonitorTypeRegistry maps a kind to its monitor type. */
export class MonitorTypeRegistry {
  private readonly types = new Map<string, MonitorType>();

  /** register adds a type; a kind registered twice is a programming error. */
  register(type: MonitorType): this {
    if (this.types.has(type.kind)) throw new Error(`a monitor type "${type.kind}" is registered twice`);
    this.types.set(type.kind, type);
    return this;
  }

  get(kind: string): MonitorType | undefined {
    return this.types.get(kind);
  }

  kinds(): string[] {
    return [...this.types.keys()];
  }

  /** require returns the type of a kind, or an invalid_input error naming the field and the kinds there are. */
  require(kind: string, path = 'kind'): MonitorType {
    const t = this.types.get(kind);
    if (!t) throw new ApiError('invalid_input', `${path}: must be one of ${this.kinds().join(', ')}`, [{ path, message: `must be one of ${this.kinds().join(', ')}` }]);
    return t;
  }

  /** parseConfig validates a monitor's config against its type's schema; errors are prefixed with `path`. */
  parseConfig(kind: string, config: unknown, path = 'config', kindPath = 'kind'): Record<string, unknown> {
    const parsed = this.require(kind, kindPath).schema.safeParse(config);
    if (!parsed.success) throw invalidInput(parsed.error, path);
    return parsed.data as Record<string, unknown>;
  }

  /**
   * configIssues checks the config of a monitor input that failed the contract's own check (so its type's
   * settings were not checked yet): a form then hears of every error at once, not in rounds.
   */
  configIssues(method: string, input: unknown): Issue[] {
    if (method !== 'monitors.create' && method !== 'monitors.update') return [];
    const raw = (method === 'monitors.update' ? (input as { value?: unknown } | null)?.value : input) as { kind?: unknown; config?: unknown } | null | undefined;
    const type = typeof raw?.kind === 'string' ? this.types.get(raw.kind) : undefined;
    if (!type) return [];
    const parsed = type.schema.safeParse(raw?.config ?? {});
    return parsed.success ? [] : issuesOf(parsed.error, method === 'monitors.update' ? 'value.config' : 'config');
  }

  /** describe lists every type with its settings as JSON Schema, for forms. */
  describe(): MonitorTypeInfo[] {
    return [...this.types.values()].map((t) => ({ kind: t.kind, label: t.label, description: t.description, configSchema: z.toJSONSchema(t.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown> }));
  }
}

/** builtinMonitorTypes is every monitor type Standby ships, in the order forms list them. */
export function builtinMonitorTypes(): MonitorTypeRegistry {
  return new MonitorTypeRegistry()
    .register(httpMonitor)
    .register(tcpMonitor)
    .register(processMonitor)
    .register(diskMonitor)
    .register(dnsMonitor)
    .register(tlsMonitor)
    .register(heartbeatMonitor);
}
