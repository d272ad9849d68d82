/**
 * What a new Standby starts with, so an alert can page the person before any setup: a desktop
 * contact method, PagerDuty's default notification rules, a one-level escalation policy and one
 * service. A phone number's SMS and voice rules are offered (the UI asks), never added silently: they
 * need a Twilio account, and a rule that cannot send only fails when it matters.
 */
import type { ContactMethod } from '../shared/schemas.ts';
import type { ConfigRepo } from './store/config-repo.ts';
import { defaultTimeZone } from './store/config-repo.ts';

/** DEFAULT_SERVICE_NAME names the service a new installation starts with. */
export const DEFAULT_SERVICE_NAME = 'Default service';

/** seedDefaults fills an empty database (no profile yet) with the defaults and answers true; it does nothing (false) otherwise. */
export function seedDefaults(config: ConfigRepo): boolean {
  const fresh = config.isFresh();
  if (!fresh) return false;
  config.setProfile({ name: '', email: '', phone: '', timeZone: defaultTimeZone() });
  const desktop = config.createContactMethod({ type: 'desktop', label: 'This computer', address: '', secretRef: null });
  config.createNotificationRule({ urgency: 'high', startDelayMinutes: 0, contactMethodId: desktop.id });
  config.createNotificationRule({ urgency: 'low', startDelayMinutes: 0, contactMethodId: desktop.id });
  const policy = config.createEscalationPolicy({ name: 'Default', description: 'Page me; repeat twice if nobody acknowledges.', levels: [{ targets: [{ kind: 'me' }], delayMinutes: 30 }], repeatCount: 2 });
  config.createService({
    name: DEFAULT_SERVICE_NAME,
    description: 'Alerts sent without a more specific service land here.',
    escalationPolicyId: policy.id,
    urgencyRule: { type: 'severity' },
    ackTimeoutMinutes: 30,
    autoResolveMinutes: 240,
    maintenanceWindows: [],
    enabled: true,
  });
  return true;
}

/**
 * addPhoneContacts accepts the phone number's offer (`contactMethods.addPhone`): an SMS contact method
 * paged after 5 minutes and a voice call after 10, for high urgency (PagerDuty's defaults). A type that
 * already reaches this number is not added twice. It answers the contact methods it added.
 */
export function addPhoneContacts(config: ConfigRepo, offer: { phone: string; sms: boolean; voice: boolean }): ContactMethod[] {
  const existing = config.listContactMethods();
  const added: ContactMethod[] = [];
  const add = (type: 'sms' | 'voice', label: string, delay: number) => {
    if (existing.some((c) => c.type === type && c.address === offer.phone)) return;
    const cm = config.createContactMethod({ type, label, address: offer.phone, secretRef: null });
    config.createNotificationRule({ urgency: 'high', startDelayMinutes: delay, contactMethodId: cm.id });
    added.push(cm);
  };
  if (offer.sms) add('sms', 'Mobile (SMS)', 5);
  if (offer.voice) add('voice', 'Mobile (voice call)', 10);
  return added;
}
