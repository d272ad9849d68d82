/**
 * Reachability: does any page leave this computer? A fresh install pages only "This computer", so a
 * laptop that sleeps, or a headless box with no browser tab open, pages no one. Standby says so on
 * every page of the UI and in the log until a contact method outside this computer is in use.
 */
import type { ConfigRepo } from '../store/config-repo.ts';
import type { Health } from '../health.ts';

/** NO_REMOTE_CONTACT is the warning's text: what is wrong and what to do. */
export const NO_REMOTE_CONTACT =
  'Pages reach only this computer: when nobody is at it (or, headless, no browser tab is open on Standby), nobody is paged. Add a phone, email, chat or push contact method and a notification rule for it in Profile.';

/** remoteContactsInUse counts contact methods other than desktop that a notification rule or an escalation policy pages. */
export function remoteContactsInUse(config: ConfigRepo): number {
  const remote = new Set(config.listContactMethods().filter((c) => c.type !== 'desktop').map((c) => c.id));
  const used = new Set<number>();
  for (const r of config.listNotificationRules()) if (remote.has(r.contactMethodId)) used.add(r.contactMethodId);
  for (const p of config.listEscalationPolicies()) {
    for (const level of p.levels) for (const t of level.targets) if (t.kind === 'contact' && remote.has(t.contactMethodId)) used.add(t.contactMethodId);
  }
  return used.size;
}

/** checkReachability sets or clears the `no_remote_contact` warning. */
export function checkReachability(config: ConfigRepo, health: Health): void {
  if (remoteContactsInUse(config) === 0) health.set('no_remote_contact', 'warning', NO_REMOTE_CONTACT);
  else health.clear('no_remote_contact');
}
