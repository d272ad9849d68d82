/**
 * The API methods that write contact methods, where secrets meet them: a URL that carries a credential
 * (user:password@, a query, a Slack or Discord webhook token) is kept in the keychain and the contact
 * method stores, shows and exports the URL without it; `contactMethods.setSecret` stores a contact
 * method's own secret for the destination it has now, and only that one (secrets/bindings.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ApiArgs, ApiOutputs } from '../../shared/api.ts';
import { ApiError } from '../../shared/errors.ts';
import type { ContactMethod, ContactMethodInput } from '../../shared/schemas.ts';
import type { Clock } from '../clock.ts';
import type { SecretBindings } from '../secrets/bindings.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import { credentialFreeUrl, hasCredentials, urlDestination } from './secret-destinations.ts';
import { contactSecretUses, type SettingsOf } from './secret-uses.ts';

type ContactMethod_ = 'contactMethods.create' | 'contactMethods.update' | 'contactMethods.delete' | 'contactMethods.setSecret';

/** ContactHandlers are this module's handlers, spread into the engine's. */
export type ContactHandlers = { [M in ContactMethod_]: (args: ApiArgs<M>) => Promise<ApiOutputs[M]> };

/** ContactHandlerDeps are what the handlers need; `write` runs a change in one transaction and announces it. */
export interface ContactHandlerDeps {
  config: ConfigRepo;
  bindings: SecretBindings;
  secrets: SecretStore;
  settingsOf: SettingsOf;
  clock: Clock;
  write: <T>(fn: () => T) => T;
  log: (line: string) => void;
}

/** newRef names a keychain entry for one contact method's secret: random, so a deleted method's entry is never another's. */
export function newRef(kind: 'url' | 'secret'): string {
  return `contact.${kind}.${randomBytes(6).toString('hex')}`;
}

/** contactHandlers builds the handlers. */
export function contactHandlers(d: ContactHandlerDeps): ContactHandlers {
  /**
   * save writes a contact method; a URL with a credential goes to the keychain first (nothing is
   * written if that fails), and is bound to the URL the method shows, in the same transaction.
   */
  const save = async (input: ContactMethodInput, existing: ContactMethod | undefined, writeRow: (v: ContactMethodInput) => ContactMethod): Promise<ContactMethod> => {
    if (!hasCredentials(input.address)) {
      const keep = existing && input.address === existing.address && input.urlSecretRef === undefined ? existing.urlSecretRef : input.urlSecretRef;
      return d.write(() => writeRow({ ...input, urlSecretRef: keep ?? null }));
    }
    const ref = existing?.urlSecretRef ?? newRef('url');
    const address = credentialFreeUrl(input.address);
    await d.secrets.set(ref, input.address);
    try {
      const saved = d.write(() => {
        const row = writeRow({ ...input, address, urlSecretRef: ref });
        d.bindings.bind(ref, [urlDestination(address)], d.clock.now());
        return row;
      });
      d.log(`the credential in the URL of contact method "${saved.label}" is kept in the ${d.secrets.kind} secret store ("${ref}")`);
      return saved;
    } catch (err) {
      if (!existing?.urlSecretRef) await d.secrets.delete(ref).catch(() => undefined);
      throw err;
    }
  };

  return {
    'contactMethods.create': (a) => save(a, undefined, (v) => d.config.createContactMethod(v)),
    'contactMethods.update': async (a) => {
      const existing = d.config.getContactMethod(a.id);
      return save(a.value, existing, (v) => d.config.updateContactMethod(a.id, v));
    },
    'contactMethods.delete': async (a) => {
      const existing = d.config.getContactMethod(a.id);
      d.write(() => d.config.deleteContactMethod(a.id));
      // The URL entry was this method's alone; a named secretRef may be shared, so it stays.
      if (existing.urlSecretRef) {
        d.bindings.forget(existing.urlSecretRef);
        await d.secrets.delete(existing.urlSecretRef).catch((err: Error) => d.log(`the keychain entry "${existing.urlSecretRef}" of deleted contact method "${existing.label}" was not deleted: ${err.message}`));
      }
      return { deleted: true };
    },
    // The secret is entered for where the method sends it now; if that changes, it is entered again.
    'contactMethods.setSecret': async (a) => {
      const existing = d.config.getContactMethod(a.id);
      const ref = existing.secretRef ?? newRef('secret');
      const uses = contactSecretUses({ ...existing, secretRef: ref }, d.settingsOf).filter((u) => u.ref === ref);
      if (uses.length === 0) {
        const why = existing.type === 'sms' ? 'an SMS contact method sends a token only through an SMS gateway (channels.sms provider "webhook")' : `a ${existing.type} contact method sends no secret of its own`;
        throw new ApiError('invalid_input', `value: ${why}`, [{ path: 'value', message: why }]);
      }
      await d.secrets.set(ref, a.value);
      const saved = d.write(() => {
        const row = existing.secretRef === ref ? existing : d.config.updateContactMethod(existing.id, { ...existing, secretRef: ref });
        d.bindings.bind(ref, uses.map((u) => u.destination), d.clock.now());
        return row;
      });
      d.log(`the secret of contact method "${existing.label}" stored in the ${d.secrets.kind} secret store for ${uses.map((u) => u.destination).join(', ')}`);
      return saved;
    },
  };
}

/**
 * moveStoredUrlCredentials moves URLs with credentials that an older Standby kept in the database
 * into the keychain, as contactMethods.create would have. It runs at start, never throws, and leaves a
 * method as it was (to try again at the next start) when the keychain does not take its URL.
 */
export async function moveStoredUrlCredentials(d: Pick<ContactHandlerDeps, 'config' | 'bindings' | 'secrets' | 'clock' | 'log'>): Promise<number> {
  let moved = 0;
  for (const c of d.config.listContactMethods()) {
    if (!hasCredentials(c.address)) continue;
    const ref = c.urlSecretRef ?? newRef('url');
    try {
      await d.secrets.set(ref, c.address);
      const address = credentialFreeUrl(c.address);
      d.config.updateContactMethod(c.id, { ...c, address, urlSecretRef: ref });
      d.bindings.bind(ref, [urlDestination(address)], d.clock.now());
      moved++;
    } catch (err) {
      d.log(`the credential in the URL of contact method "${c.label}" is still in the database: the keychain did not take it (${(err as Error).message}); trying again at the next start`);
    }
  }
  if (moved > 0) d.log(`moved the credentials of ${moved} contact method URL(s) from the database to the ${d.secrets.kind} secret store`);
  return moved;
}
