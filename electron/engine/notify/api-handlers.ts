/** The API methods of delivery: test sends, channel settings, secrets by reference, the ack links' key, and the SMS/voice budget. */
import type { ApiArgs, ApiOutputs } from '../../shared/api.ts';
import type { ChannelSettingsKind, ChannelSettingsView } from '../../shared/channel-schemas.ts';
import { ApiError } from '../../shared/errors.ts';
import { secretStoreApiError } from '../secrets/api-error.ts';
import { SecretStoreError, type SecretStore } from '../secrets/secret-store.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import { ACK_KEY_REF } from './ack-links.ts';
import { DEFAULT_EMAIL_PASSWORD_REF } from './channels/email.ts';
import { DEFAULT_PUSHOVER_TOKEN_REF } from './channels/pushover.ts';
import { DEFAULT_TELEGRAM_TOKEN_REF } from './channels/telegram.ts';
import type { Clock } from '../clock.ts';
import type { DeliveryStage } from './delivery.ts';
import { allSecretUses, channelSecretUses } from './secret-uses.ts';
import { DEFAULT_TWILIO_TOKEN_REF } from './twilio-account.ts';

type NotifyMethod = 'contactMethods.test' | 'contactMethods.testAnswer' | 'channels.get' | 'channels.update' | 'channels.setSecret' | 'secrets.set' | 'secrets.delete' | 'secrets.list' | 'secrets.rotate' | 'delivery.budget';

/** NotifyHandlers are this module's handlers, spread into the engine's. */
export type NotifyHandlers = { [M in NotifyMethod]: (args: ApiArgs<M>) => Promise<ApiOutputs[M]> | ApiOutputs[M] };

/** NotifyHandlerDeps are what the handlers need. */
export interface NotifyHandlerDeps {
  store: Store;
  config: ConfigRepo;
  delivery: DeliveryStage;
  secrets: SecretStore;
  clock: Clock;
  log: (line: string) => void;
}

/** secretFields lists the keychain entries a settings section names (with their defaults), never their values. */
export function secretFields(kind: ChannelSettingsKind, s: Record<string, unknown> | undefined): Array<{ field: string; ref: string }> {
  const ref = (field: string, fallback?: string) => {
    const v = typeof s?.[field] === 'string' ? (s[field] as string) : fallback;
    return v ? [{ field, ref: v }] : [];
  };
  switch (kind) {
    case 'email':
      return s?.user ? ref('passwordRef', DEFAULT_EMAIL_PASSWORD_REF) : [];
    case 'twilio':
      return ref('authTokenRef', DEFAULT_TWILIO_TOKEN_REF);
    case 'ntfy':
      return ref('tokenRef');
    case 'pushover':
      return ref('tokenRef', DEFAULT_PUSHOVER_TOKEN_REF);
    case 'telegram':
      return ref('botTokenRef', DEFAULT_TELEGRAM_TOKEN_REF);
    case 'ack':
      return s?.enabled ? [{ field: 'signingKey', ref: ACK_KEY_REF }] : [];
    default:
      return [];
  }
}

/** notifyHandlers builds the handlers. */
export function notifyHandlers(d: NotifyHandlerDeps): NotifyHandlers {
  const settingsOf = (kind: string) => d.delivery.settings.get(kind);
  const bindings = d.delivery.bindings;
  const uses = () => allSecretUses(d.config.listContactMethods(), settingsOf).map((u) => ({ ...u, bound: bindings.allows(u.ref, u.destination) }));
  const view = async (kind: ChannelSettingsKind): Promise<ChannelSettingsView> => {
    const settings = d.delivery.settings.get(kind) ?? null;
    let error: string | null = null;
    const secrets = [];
    const destination = channelSecretUses(kind, settingsOf)[0];
    for (const f of secretFields(kind, settings ?? undefined)) {
      let present: boolean | null = null;
      if (error === null) {
        try {
          present = (await d.secrets.get(f.ref)) !== null;
        } catch (err) {
          error = (err as Error).message;
        }
      }
      const bound = destination && destination.ref === f.ref ? { destination: destination.destination, bound: bindings.allows(f.ref, destination.destination) } : {};
      secrets.push({ ...f, present, ...bound });
    }
    return { kind, settings, secrets, secretStore: { kind: d.secrets.kind, error } };
  };
  const keychain = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof SecretStoreError) throw secretStoreApiError(err, what);
      throw err;
    }
  };
  return {
    'contactMethods.test': (a) => d.delivery.test(d.config.getContactMethod(a.id)),
    'contactMethods.testAnswer': (a) => {
      const status = d.delivery.tests.status(a.id, d.clock.now());
      if (!status) throw new ApiError('not_found', `no test send ${a.id} (a test's answer is kept only for the test that asked for it)`);
      return status;
    },
    'channels.get': (a) => view(a.kind),
    'channels.update': (a) => {
      d.store.transaction(() => d.delivery.settings.set(a.kind, a.settings));
      d.log(`channel settings "${a.kind}" ${a.settings === null ? 'removed' : 'updated'}`);
      return view(a.kind);
    },
    // A secret entered by name goes to where the configuration sends that name now, and nowhere else later.
    'secrets.set': async (a) => {
      await keychain(`the secret "${a.ref}" was not stored`, () => d.secrets.set(a.ref, a.value));
      const boundTo = uses().filter((u) => u.ref === a.ref);
      bindings.bind(a.ref, boundTo.map((u) => u.destination), d.clock.now());
      const where = [...new Set(boundTo.map((u) => u.destination))];
      d.log(`secret "${a.ref}" stored in the ${d.secrets.kind} secret store for ${where.length === 0 ? 'no destination yet' : where.join(', ')}`);
      return { ref: a.ref, stored: true, boundTo: boundTo.map((u) => ({ ...u, bound: true })) };
    },
    'secrets.delete': async (a) => {
      await keychain(`the secret "${a.ref}" was not deleted`, () => d.secrets.delete(a.ref));
      bindings.forget(a.ref);
      d.log(`secret "${a.ref}" deleted from the ${d.secrets.kind} secret store`);
      return { ref: a.ref, deleted: true };
    },
    'secrets.list': () => uses(),
    // A channel's own secret, entered for the server and account its settings name now.
    'channels.setSecret': async (a) => {
      const use = channelSecretUses(a.kind, settingsOf)[0];
      if (!use) throw new ApiError('invalid_input', `channels.${a.kind} names no secret: configure the channel first (${a.kind === 'email' ? 'an SMTP user' : a.kind === 'ntfy' ? 'tokenRef' : 'its settings'}), then enter its secret`, [{ path: 'kind', message: 'names no secret yet' }]);
      await keychain(`the secret of channels.${a.kind} was not stored`, () => d.secrets.set(use.ref, a.value));
      bindings.bind(use.ref, [use.destination], d.clock.now());
      d.log(`secret "${use.ref}" stored in the ${d.secrets.kind} secret store for ${use.destination}`);
      return view(a.kind);
    },
    // A new signing key and a new generation of links: every link issued before does nothing (ack-links.ts).
    'secrets.rotate': async (a) => {
      await keychain("the ack links' signing key was not rotated (links issued before still work)", () => d.delivery.ack.rotate());
      d.log(`the ack links' signing key was rotated in the ${d.secrets.kind} secret store: every link issued before does nothing`);
      return { ref: a.ref, rotated: true };
    },
    'delivery.budget': () => d.delivery.budget(),
  };
}
