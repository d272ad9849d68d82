/**
 * An imported file may carry URLs with credentials (hand-written, or from an older Standby). They never
 * reach the database: each such URL goes to the keychain first, under a new entry named in the
 * contact method's urlSecretRef, and the contact method keeps the URL without its credential, bound to
 * that URL (secrets/bindings.ts). Entries a failed import stored are deleted again.
 */
import type { ImportSummary } from '../../shared/api.ts';
import type { ConfigFile } from '../../shared/config-file.ts';
import { newRef } from '../notify/contact-handlers.ts';
import { credentialFreeUrl, hasCredentials, urlDestination } from '../notify/secret-destinations.ts';
import type { SecretBindings } from '../secrets/bindings.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/database.ts';
import { applyConfig, parseConfig, type ConfigFormat } from './config-file.ts';

/** ImportDeps are what an import with credentials needs. */
export interface ImportDeps {
  store: Store;
  secrets: SecretStore;
  bindings: SecretBindings;
  now: () => number;
}

/** importWithCredentials parses and validates a file, moves its URL credentials to the keychain, then applies it, all or nothing. */
export async function importWithCredentials(d: ImportDeps, text: string, format?: ConfigFormat): Promise<ImportSummary> {
  const file = parseConfig(text, format);
  const moved: Array<{ ref: string; destination: string }> = [];
  try {
    const contactMethods = [];
    for (const c of file.contactMethods) {
      if (!hasCredentials(c.address)) {
        contactMethods.push(c);
        continue;
      }
      const ref = newRef('url');
      await d.secrets.set(ref, c.address);
      const address = credentialFreeUrl(c.address);
      moved.push({ ref, destination: urlDestination(address) });
      contactMethods.push({ ...c, address, urlSecretRef: ref });
    }
    const withRefs: ConfigFile = { ...file, contactMethods };
    return d.store.transaction(() => {
      const summary = applyConfig(d.store, withRefs);
      for (const m of moved) d.bindings.bind(m.ref, [m.destination], d.now());
      return summary;
    });
  } catch (err) {
    for (const m of moved) await d.secrets.delete(m.ref).catch(() => undefined);
    throw err;
  }
}
