/**
 * What a new Standby starts with, so an alert can page the person before any setup: a desktop
 * contact method, PagerDuty's default notification rules, a one-level escalation policy and one
 * service. Setting a phone number adds SMS after 5 minutes and a voice call after 10 (high urgency).
 */
import type { ConfigRepo } from './store/config-repo.ts';
import { defaultTimeZone } from './store/config-repo.ts';

/** DEFAULT_SERVICE_NAME names the service a new installation starts with. */
export const DEFAULT_SERVICE_NAME = 'Default service';

/** seedDefaults fills an empty database (no profile yet) with the defaults; it does nothing otherwise. */
export function seedDefaults(config: ConfigRepo): void {
  const fresh = config.isFresh();
  if (!fresh) return;
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
}

/** addPhoneDefaults adds SMS (after 5 min) and voice (after 10 min) for high urgency when no phone contact method exists yet. */
export function addPhoneDefaults(config: ConfigRepo, phone: string): void {
  if (config.listContactMethods().some((c) => c.type === 'sms' || c.type === 'voice')) return;
  const sms = config.createContactMethod({ type: 'sms', label: 'Mobile (SMS)', address: phone, secretRef: null });
  const voice = config.createContactMethod({ type: 'voice', label: 'Mobile (voice call)', address: phone, secretRef: null });
  config.createNotificationRule({ urgency: 'high', startDelayMinutes: 5, contactMethodId: sms.id });
  config.createNotificationRule({ urgency: 'high', startDelayMinutes: 10, contactMethodId: voice.id });
}
