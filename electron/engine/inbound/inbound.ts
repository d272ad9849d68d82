/**
 * Inbound owns what lets monitoring tools page Standby: integrations and their keys, change events,
 * the per-key rate limiter and the group commit that makes accepted events durable. It also serves
 * the API methods for integrations and change events. Keys are shared secrets: the database holds
 * their SHA-256 only, the secret store holds the keys so the app can show them again.
 */
import type { ApiArgs, ApiEvent, ApiOutputs } from '../../shared/api.ts';
import { ApiError } from '../../shared/errors.ts';
import type { Integration } from '../../shared/integration-schemas.ts';
import type { Clock } from '../clock.ts';
import type { IncidentEngine } from '../incidents/incident-engine.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import { ChangeEventsRepo } from './change-events.ts';
import type { GroupCommit } from '../store/group-commit.ts';
import { IntegrationsRepo, type IntegrationRow } from './integrations-repo.ts';
import { RateLimiter } from './rate-limit.ts';
import { generateRoutingKey, hashRoutingKey, secretRefFor } from './routing-key.ts';

/** InboundDeps are Inbound's collaborators, from the engine. */
export interface InboundDeps {
  store: Store;
  config: ConfigRepo;
  lifecycle: IncidentEngine;
  clock: Clock;
  secrets: SecretStore;
  emit: (e: ApiEvent) => void;
  log: (line: string) => void;
}

/** InboundMethod names the API methods Inbound serves. */
export type InboundMethod = 'integrations.list' | 'integrations.create' | 'integrations.update' | 'integrations.rotate' | 'integrations.delete' | 'changeEvents.list';

/** InboundHandlers are those methods' handlers, for the engine's handler table. */
export type InboundHandlers = { [M in InboundMethod]: (args: ApiArgs<M>) => Promise<ApiOutputs[M]> | ApiOutputs[M] };

/** Inbound is the inbound side of the engine. */
export class Inbound {
  readonly integrations: IntegrationsRepo;
  readonly changeEvents: ChangeEventsRepo;
  readonly limiter: RateLimiter;
  readonly commits: GroupCommit;
  readonly lifecycle: IncidentEngine;
  readonly clock: Clock;
  private readonly d: InboundDeps;

  constructor(deps: InboundDeps) {
    this.d = deps;
    this.lifecycle = deps.lifecycle;
    this.clock = deps.clock;
    this.integrations = new IntegrationsRepo(deps.store);
    this.changeEvents = new ChangeEventsRepo(deps.store);
    this.limiter = new RateLimiter(deps.clock);
    // Shared with the delivery stage: events and the outcomes of their pages commit together.
    this.commits = deps.lifecycle.commits;
  }

  /** authenticate finds the integration a presented key belongs to (by its hash), if any. */
  authenticate(key: string): IntegrationRow | undefined {
    return this.integrations.findByKeyHash(hashRoutingKey(key));
  }

  /** emit publishes an engine event (after the change it reports has committed). */
  emit(e: ApiEvent): void {
    this.d.emit(e);
  }

  /** log writes a line to the engine's log (never a key). */
  log(line: string): void {
    this.d.log(line);
  }

  /** handlers serves the integrations and change events API methods. */
  handlers(): InboundHandlers {
    return {
      'integrations.list': async (a) => {
        if (a.serviceId !== undefined) this.d.config.getService(a.serviceId);
        return Promise.all(this.integrations.list(a.serviceId).map((row) => this.withStoredKey(row)));
      },
      'integrations.create': async (a) => {
        const key = generateRoutingKey();
        const row = this.d.store.transaction(() => {
          this.requireService(a.serviceId);
          return this.integrations.create({
            serviceId: a.serviceId,
            type: a.type,
            name: a.name,
            keySha256: hashRoutingKey(key),
            groupBy: a.type === 'alertmanager' ? (a.groupBy ?? 'group') : null,
            rateLimitPerMinute: a.rateLimitPerMinute,
            createdAt: this.clock.now(),
          });
        });
        const keyError = await this.storeKey(row, key);
        this.d.emit({ type: 'integrations.changed', data: { serviceId: row.serviceId } });
        return toIntegration(row, key, keyError);
      },
      'integrations.update': (a) => {
        const row = this.d.store.transaction(() => {
          const before = this.integrations.get(a.id);
          if (a.value.groupBy !== undefined && before.type !== 'alertmanager') {
            throw new ApiError('invalid_input', 'value.groupBy: applies to alertmanager integrations only', [{ path: 'value.groupBy', message: 'applies to alertmanager integrations only' }]);
          }
          const groupBy = before.type === 'alertmanager' ? (a.value.groupBy ?? before.groupBy ?? 'group') : null;
          return this.integrations.update(a.id, { name: a.value.name, groupBy, rateLimitPerMinute: a.value.rateLimitPerMinute });
        });
        this.d.emit({ type: 'integrations.changed', data: { serviceId: row.serviceId } });
        return this.withStoredKey(row);
      },
      'integrations.rotate': async (a) => {
        const key = generateRoutingKey();
        const row = this.d.store.transaction(() => {
          this.integrations.get(a.id);
          return this.integrations.setKeyHash(a.id, hashRoutingKey(key), this.clock.now());
        });
        const keyError = await this.storeKey(row, key);
        this.d.emit({ type: 'integrations.changed', data: { serviceId: row.serviceId } });
        return toIntegration(row, key, keyError);
      },
      'integrations.delete': async (a) => {
        const row = this.d.store.transaction(() => {
          const r = this.integrations.get(a.id);
          this.integrations.delete(a.id);
          return r;
        });
        this.limiter.forget(row.id);
        try {
          await this.d.secrets.delete(secretRefFor(row.id));
        } catch (err) {
          this.d.log(`integration ${row.id} deleted, but its key could not be removed from the ${this.d.secrets.kind} secret store: ${(err as Error).message}`);
        }
        this.d.emit({ type: 'integrations.changed', data: { serviceId: row.serviceId } });
        return { deleted: true } as const;
      },
      'changeEvents.list': (a) => {
        if (a.serviceId !== undefined) this.d.config.getService(a.serviceId);
        return this.changeEvents.list(a);
      },
    };
  }

  private requireService(id: number): void {
    try {
      this.d.config.getService(id);
    } catch {
      throw new ApiError('invalid_input', `serviceId: service ${id} does not exist`, [{ path: 'serviceId', message: `service ${id} does not exist` }]);
    }
  }

  /** storeKey puts a new key in the secret store; when it cannot, the key is still answered, this once, and the reason is returned. */
  private async storeKey(row: IntegrationRow, key: string): Promise<string | undefined> {
    try {
      await this.d.secrets.set(secretRefFor(row.id), key);
      return undefined;
    } catch (err) {
      this.d.log(`the key of integration ${row.id} could not be saved in the ${this.d.secrets.kind} secret store (${(err as Error).message}); it is shown once, now`);
      return `the key could not be saved in the ${this.d.secrets.kind} (${(err as Error).message}): copy it now, it is not shown again`;
    }
  }

  /** withStoredKey reads an integration's key from the secret store, trusting it only if it matches the stored hash. */
  private async withStoredKey(row: IntegrationRow): Promise<Integration> {
    let key: string | null;
    try {
      key = await this.d.secrets.get(secretRefFor(row.id));
    } catch (err) {
      this.d.log(`the key of integration ${row.id} could not be read from the ${this.d.secrets.kind} secret store: ${(err as Error).message}`);
      return toIntegration(row, null, `the key cannot be shown: ${(err as Error).message}`);
    }
    // A stale entry (say, left by a deleted database whose ids are reused) is not this integration's key.
    return toIntegration(row, key !== null && hashRoutingKey(key) === row.keySha256 ? key : null);
  }
}

function toIntegration(row: IntegrationRow, key: string | null, keyError?: string): Integration {
  return {
    id: row.id,
    serviceId: row.serviceId,
    type: row.type,
    name: row.name,
    key,
    ...(keyError !== undefined ? { keyError } : {}),
    groupBy: row.groupBy,
    rateLimitPerMinute: row.rateLimitPerMinute,
    createdAt: new Date(row.createdAt).toISOString(),
    keyRotatedAt: row.keyRotatedAt === null ? null : new Date(row.keyRotatedAt).toISOString(),
  };
}
