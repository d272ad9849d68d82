/** The API methods of delivery: test sends, channel settings, secrets by reference, the ack links' key, and the SMS/voice budget. */
import type { ApiArgs, ApiOutputs } from '../../shared/api.ts';
import type { ChannelSettingsKind, ChannelSettingsView } from '../../shared/channel-schemas.ts';
import { secretStoreApiError } from '../secrets/api-error.ts';
import { SecretStoreError, type SecretStore } from '../secrets/secret-store.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import { ACK_KEY_REF } from './ack-links.ts';
import { DEFAULT_EMAIL_PASSWORD_REF } from './channels/email.ts';
import { DEFAULT_PUSHOVER_TOKEN_REF } from './channels/pushover.ts';
import { DEFAULT_TELEGRAM_TOKEN_REF } from './channels/telegram.ts';
import type { DeliveryStage } from './delivery.ts';
import { DEFAULT_TWILIO_TOKEN_REF } from './twilio-account.ts';

type NotifyMethod = 'contactMethods.test' | 'channels.get' | 'channels.update' | 'secrets.set' | 'secrets.delete' | 'secrets.rotate' | 'delivery.budget';

/** NotifyHandlers are this module's handlers, spread into the engine's. */
export type NotifyHandlers = { [M in NotifyMethod]: (args: ApiArgs<M>) => Promise<ApiOutputs[M]> | ApiOutputs[M] };

/** NotifyHandlerDeps are what the handlers need. */
export interface NotifyHandlerDeps {
  store: Store;
  config: ConfigRepo;
  delivery: DeliveryStage;
  secrets: SecretStore;
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
  const view = async (kind: ChannelSettingsKind): Promise<ChannelSettingsView> => {
    const settings = d.delivery.settings.get(kind) ?? null;
    let error: string | null = null;
    const secrets = [];
    for (const f of secretFields(kind, settings ?? undefined)) {
      let present: boolean | null = null;
      if (error === null) {
        try {
          present = (await d.secrets.get(f.ref)) !== null;
        } catch (err) {
          error = (err as Error).message;
        }
      }
      secrets.push({ ...f, present });
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
    'channels.get': (a) => view(a.kind),
    'channels.update': (a) => {
      d.store.transaction(() => d.delivery.settings.set(a.kind, a.settings));
      d.log(`channel settings "${a.kind}" ${a.settings === null ? 'removed' : 'updated'}`);
      return view(a.kind);
    },
    'secrets.set': async (a) => {
      await keychain(`the secret "${a.ref}" was not stored`, () => d.secrets.set(a.ref, a.value));
      d.log(`secret "${a.ref}" stored in the ${d.secrets.kind} secret store`);
      return { ref: a.ref, stored: true };
    },
    'secrets.delete': async (a) => {
      await keychain(`the secret "${a.ref}" was not deleted`, () => d.secrets.delete(a.ref));
      d.log(`secret "${a.ref}" deleted from the ${d.secrets.kind} secret store`);
      return { ref: a.ref, deleted: true };
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
