/**
 * ProfileState is the "Profile & notifications" page: the profile form, the contact method being
 * added or edited, and the notification rule being added or edited. Lists come from `config`.
 */
import type { ContactMethod, ContactMethodType, NotificationRule, Profile, Urgency } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';
import { contactDependents } from '../dependents.ts';
import { config } from './config.svelte.ts';
import { confirmation } from './confirm.svelte.ts';
import { phoneOffer } from './phone-offer.svelte.ts';
import { SECRET_USES } from './contact-delivery.svelte.ts';

/** CONTACT_METHOD_TYPES are the kinds of contact method, with what their address is. */
export const CONTACT_METHOD_TYPES: ReadonlyArray<{ id: ContactMethodType; label: string; address: string }> = [
  { id: 'desktop', label: 'Desktop notification', address: 'none needed' },
  { id: 'email', label: 'Email', address: 'email address' },
  { id: 'sms', label: 'SMS', address: 'phone number, +14155550123' },
  { id: 'voice', label: 'Voice call', address: 'phone number, +14155550123' },
  { id: 'ntfy', label: 'ntfy', address: 'topic or topic URL' },
  { id: 'pushover', label: 'Pushover', address: '30-character user key' },
  { id: 'slack', label: 'Slack', address: 'incoming webhook URL' },
  { id: 'discord', label: 'Discord', address: 'webhook URL' },
  { id: 'telegram', label: 'Telegram', address: 'chat id or @channel' },
  { id: 'webhook', label: 'Webhook', address: 'http(s) URL' },
];

/** ContactMethodDraft is the contact method form's content. */
export interface ContactMethodDraft {
  type: ContactMethodType;
  label: string;
  address: string;
  secretRef: string | null;
}

/** RuleDraft is the notification rule form's content. */
export interface RuleDraft {
  urgency: Urgency;
  contactMethodId: number | null;
  startDelayMinutes: number | null;
}

const emptyProfile = (): Profile => ({ name: '', email: '', phone: '', timeZone: 'UTC' });
const emptyContact = (): ContactMethodDraft => ({ type: 'email', label: '', address: '', secretRef: null });

/** ProfileState holds the page's three forms. */
export class ProfileState {
  profile = new FormState<Profile>(emptyProfile(), ['name', 'email', 'phone', 'timeZone']);
  /** contactEditing is the contact method in the form: an id, 'new', or null (closed). */
  contactEditing = $state<number | 'new' | null>(null);
  contact = new FormState<ContactMethodDraft>(emptyContact(), ['type', 'label', 'address', 'secretRef']);
  /** ruleEditing is the notification rule in the form: an id, 'new', or null (closed). */
  ruleEditing = $state<number | 'new' | null>(null);
  rule = new FormState<RuleDraft>({ urgency: 'high', contactMethodId: null, startDelayMinutes: 0 }, ['urgency', 'contactMethodId', 'startDelayMinutes']);
  listError = $state<string | null>(null);

  /** loadProfile fills the profile form from the saved profile (unless it is being saved). */
  loadProfile(p: Profile | null): void {
    if (!this.profile.busy) this.profile.reset(p ? { ...p } : emptyProfile());
  }

  saveProfile = async (): Promise<void> => {
    const before = config.profile?.phone ?? '';
    const saved = await this.profile.submit((d) => call('profile.update', d));
    if (!saved) return;
    await config.load('all');
    // A new phone number is offered SMS and voice rules; nothing is added unless the person accepts.
    if (saved.phone && saved.phone !== before) await phoneOffer.offer(saved.phone);
  };

  newContact(): void {
    this.contactEditing = 'new';
    this.contact.reset(emptyContact());
  }

  editContact(c: ContactMethod): void {
    this.contactEditing = c.id;
    this.contact.reset({ type: c.type, label: c.label, address: c.address, secretRef: c.secretRef });
  }

  closeContact(): void {
    this.contactEditing = null;
    this.contact.clear();
  }

  saveContact = async (): Promise<void> => {
    const editing = this.contactEditing;
    if (editing === null) return;
    const saved = await this.contact.submit(
      (draft) => {
        // An empty keychain entry name means none; one for a type that uses no secret is dropped.
        const ref = draft.secretRef?.trim() ?? '';
        const value = { ...draft, secretRef: ref !== '' && SECRET_USES[draft.type] ? ref : null };
        return editing === 'new' ? call('contactMethods.create', value) : call('contactMethods.update', { id: editing, value });
      },
      editing === 'new' ? undefined : 'value',
    );
    if (saved) {
      this.contactEditing = null;
      await config.load('contactMethods');
    }
  };

  /** askRemoveContact opens the confirm dialog with the notification rules and escalation policies that page the contact method. */
  askRemoveContact = (c: ContactMethod): void => {
    confirmation.ask({ title: `Delete the contact method “${c.label}”?`, confirmLabel: 'Delete contact method', ...contactDependents(c, config.notificationRules, config.escalationPolicies), run: () => this.removeContact(c) });
  };

  async removeContact(c: ContactMethod): Promise<void> {
    this.listError = null;
    try {
      await call('contactMethods.delete', { id: c.id });
      if (this.contactEditing === c.id) this.closeContact();
      await Promise.all([config.load('contactMethods'), config.load('notificationRules')]);
    } catch (err) {
      this.listError = `Could not delete "${c.label}": ${errorMessage(err)}`;
    }
  }

  newRule(urgency: Urgency): void {
    this.ruleEditing = 'new';
    this.rule.reset({ urgency, contactMethodId: config.contactMethods[0]?.id ?? null, startDelayMinutes: 0 });
  }

  editRule(r: NotificationRule): void {
    this.ruleEditing = r.id;
    this.rule.reset({ urgency: r.urgency, contactMethodId: r.contactMethodId, startDelayMinutes: r.startDelayMinutes });
  }

  closeRule(): void {
    this.ruleEditing = null;
    this.rule.clear();
  }

  saveRule = async (): Promise<void> => {
    const editing = this.ruleEditing;
    if (editing === null) return;
    const saved = await this.rule.submit((d) => {
      const value = { urgency: d.urgency, contactMethodId: d.contactMethodId as number, startDelayMinutes: d.startDelayMinutes as number };
      return editing === 'new' ? call('notificationRules.create', value) : call('notificationRules.update', { id: editing, value });
    }, editing === 'new' ? undefined : 'value');
    if (saved) {
      this.ruleEditing = null;
      await config.load('notificationRules');
    }
  };

  async removeRule(r: NotificationRule): Promise<void> {
    this.listError = null;
    try {
      await call('notificationRules.delete', { id: r.id });
      if (this.ruleEditing === r.id) this.closeRule();
      await config.load('notificationRules');
    } catch (err) {
      this.listError = `Could not delete the rule: ${errorMessage(err)}`;
    }
  }
}

/** profile is the profile page's state. */
export const profile = new ProfileState();
