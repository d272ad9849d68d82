/**
 * ConfigState is the window's copy of the configuration: profile, contact methods, notification
 * rules, escalation policies and services. Every view reads it; the engine's `config.changed`
 * event says which part to fetch again.
 */
import type { ApiEvents } from '../../../../electron/shared/api.ts';
import type { ContactMethod, EscalationPolicy, NotificationRule, Profile, Service } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { setDisplayZone } from '../display-zone.svelte.ts';

/** ConfigEntity is one part of the configuration, as `config.changed` names it. */
export type ConfigEntity = Exclude<ApiEvents['config.changed']['entity'], 'all'>;

const ENTITIES: ConfigEntity[] = ['profile', 'contactMethods', 'notificationRules', 'escalationPolicies', 'services'];

/** ConfigState holds the configuration as last fetched. */
export class ConfigState {
  profile = $state<Profile | null>(null);
  contactMethods = $state<ContactMethod[]>([]);
  notificationRules = $state<NotificationRule[]>([]);
  escalationPolicies = $state<EscalationPolicy[]>([]);
  services = $state<Service[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);

  /** load fetches one part, or everything but the parts in `except` (read just before). */
  async load(entity: ConfigEntity | 'all' = 'all', except: readonly ConfigEntity[] = []): Promise<void> {
    const parts = entity === 'all' ? ENTITIES.filter((e) => !except.includes(e)) : [entity];
    try {
      await Promise.all(parts.map((p) => this.#fetch(p)));
      this.error = null;
      if (entity === 'all') this.loaded = true;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  async #fetch(entity: ConfigEntity): Promise<void> {
    switch (entity) {
      case 'profile':
        this.profile = await call('profile.get', {});
        setDisplayZone(this.profile.timeZone);
        return;
      case 'contactMethods':
        this.contactMethods = await call('contactMethods.list', {});
        return;
      case 'notificationRules':
        this.notificationRules = await call('notificationRules.list', {});
        return;
      case 'escalationPolicies':
        this.escalationPolicies = await call('escalationPolicies.list', {});
        return;
      case 'services':
        this.services = await call('services.list', {});
        return;
    }
  }

  /** contactMethodLabel names a contact method by id ("#4" when it is gone). */
  contactMethodLabel(id: number): string {
    return this.contactMethods.find((c) => c.id === id)?.label ?? `contact method #${id}`;
  }

  /** policyName names an escalation policy by id. */
  policyName(id: number): string {
    return this.escalationPolicies.find((p) => p.id === id)?.name ?? `policy #${id}`;
  }

  /** handle reloads what a `config.changed` event names. */
  handle(entity: ApiEvents['config.changed']['entity']): void {
    void this.load(entity);
  }
}

/** config is the window's configuration. */
export const config = new ConfigState();
