/**
 * SetupGuideState is the guided first run: on the first open of a new data directory, the person names
 * themselves and their time zone, adds a phone channel (a contact method paged at once for high urgency)
 * and sends it a test page (and, where the phone can answer, a test answer), then adds a first monitor
 * or an integration with a copy-ready command. Its progress is the engine's (`setup.get`/`setup.update`),
 * so skipping it here and resuming it in another tab, or after a restart, picks up where it was.
 */
import type { ChannelProblem, SetupState, SetupStep } from '../../../../electron/shared/api.ts';
import type { ApiInput } from '../../../../electron/shared/api.ts';
import type { Integration } from '../../../../electron/shared/integration-schemas.ts';
import type { MonitorView } from '../../../../electron/shared/monitor-schemas.ts';
import type { ContactMethod, ContactMethodType } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';
import { config } from './config.svelte.ts';

/** SETUP_STEPS are the guide's steps in order, with their titles. */
export const SETUP_STEPS: ReadonlyArray<{ id: SetupStep; title: string }> = [
  { id: 'profile', title: 'You' },
  { id: 'contact', title: 'Your phone' },
  { id: 'monitor', title: 'What to watch' },
  { id: 'done', title: 'Done' },
];

/** PHONE_CHANNELS are the contact method types the guide offers (the ones that reach a phone), those that can answer first. */
export const PHONE_CHANNELS: ReadonlyArray<{ id: ContactMethodType; label: string; address: string; answers: boolean }> = [
  { id: 'ntfy', label: 'ntfy push', address: 'topic or topic URL', answers: true },
  { id: 'telegram', label: 'Telegram', address: 'chat id or @channel', answers: true },
  { id: 'pushover', label: 'Pushover', address: '30-character user key', answers: true },
  { id: 'sms', label: 'SMS', address: 'phone number, +14155550123', answers: true },
  { id: 'voice', label: 'Voice call', address: 'phone number, +14155550123', answers: false },
  { id: 'email', label: 'Email', address: 'email address', answers: false },
  { id: 'slack', label: 'Slack', address: 'incoming webhook URL', answers: false },
  { id: 'discord', label: 'Discord', address: 'webhook URL', answers: false },
  { id: 'webhook', label: 'Webhook', address: 'http(s) URL', answers: false },
];

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** SetupGuideState holds the guide's progress and its step forms. */
export class SetupGuideState {
  progress = $state<SetupState | null>(null);
  error = $state<string | null>(null);
  profile = new FormState<{ name: string; timeZone: string }>({ name: '', timeZone: browserZone() }, ['name', 'timeZone']);
  contact = new FormState<{ type: ContactMethodType; label: string; address: string }>({ type: 'ntfy', label: '', address: '' }, ['type', 'label', 'address']);
  /** problems are what the chosen channel still needs before its pages can be sent. */
  problems = $state<ChannelProblem[]>([]);
  /** watch chooses the last step's form: a monitor of a URL, or an integration for a tool that sends alerts. */
  watch = $state<'monitor' | 'integration'>('monitor');
  monitor = new FormState<{ name: string; url: string }>({ name: 'My website', url: 'https://' }, ['name', 'config.url']);
  createdMonitor = $state<MonitorView | null>(null);
  integration = $state<Integration | null>(null);
  integrationError = $state<string | null>(null);

  /** showing is true while the guide is to be shown (a new data directory, or resumed). */
  get showing(): boolean {
    return this.progress?.status === 'pending';
  }

  /** contactMethod is the contact method the guide made, once made. */
  get contactMethod(): ContactMethod | undefined {
    const id = this.progress?.contactMethodId;
    return id ? config.contactMethods.find((c) => c.id === id) : undefined;
  }

  /** load reads the progress and fills the profile step from the saved profile. */
  async load(): Promise<void> {
    try {
      this.progress = await call('setup.get', {});
      this.error = null;
      if (this.progress.status === 'pending' && this.progress.step === 'profile') {
        const p = await call('profile.get', {});
        this.profile.reset({ name: p.name, timeZone: p.name ? p.timeZone : browserZone() });
      }
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  private async update(u: ApiInput<'setup.update'>): Promise<void> {
    try {
      this.progress = await call('setup.update', u);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** skip hides the guide; it can be resumed from the notice on every page or from Settings. */
  skip = (): Promise<void> => this.update({ status: 'skipped' });
  /** resume shows the guide again at the step it was left on. */
  resume = (): Promise<void> => this.update({ status: 'pending' });
  /** dismiss ends the guide for good without finishing it. */
  dismiss = (): Promise<void> => this.update({ status: 'done' });
  /** go moves to a step (back, or on). */
  go = (step: SetupStep): Promise<void> => this.update({ step });
  /** finish closes the guide: Standby is set up. */
  finish = (): Promise<void> => this.update({ status: 'done', step: 'done' });

  /** saveProfile saves the name and time zone (keeping the email and phone) and moves on. */
  saveProfile = async (): Promise<void> => {
    const current = await call('profile.get', {});
    const saved = await this.profile.submit((d) => call('profile.update', { ...current, name: d.name, timeZone: d.timeZone }));
    if (!saved) return;
    await config.load('profile');
    await this.go('contact');
  };

  /** saveContact adds the contact method with a notification rule that pages it at once for high urgency. */
  saveContact = async (): Promise<void> => {
    const made = await this.contact.submit(async (d) => {
      const label = d.label.trim() || `My phone (${PHONE_CHANNELS.find((c) => c.id === d.type)?.label ?? d.type})`;
      const cm = await call('contactMethods.create', { type: d.type, label, address: d.address });
      await call('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: cm.id });
      return cm;
    });
    if (!made) return;
    await config.load('all');
    await this.update({ contactMethodId: made.id });
    await this.checkChannel(made.type);
  };

  /** checkChannel asks what a channel still needs (no Twilio account, no bot token...). */
  async checkChannel(type: ContactMethodType): Promise<void> {
    try {
      this.problems = await call('channels.problems', { contactTypes: [type] });
    } catch {
      this.problems = [];
    }
  }

  /** createMonitor adds an HTTP monitor of the URL on the first service. */
  createMonitor = async (): Promise<void> => {
    const serviceId = config.services[0]?.id;
    const made = await this.monitor.submit((d) => call('monitors.create', { name: d.name, kind: 'http', serviceId: serviceId ?? 0, config: { url: d.url } }));
    if (made) this.createdMonitor = made;
  };

  /** createIntegration adds an Events API v2 integration on the first service, whose key the snippet uses. */
  createIntegration = async (): Promise<void> => {
    const serviceId = config.services[0]?.id;
    this.integrationError = null;
    try {
      this.integration = await call('integrations.create', { serviceId: serviceId ?? 0, type: 'events_v2', name: 'First integration' });
    } catch (err) {
      this.integrationError = errorMessage(err);
    }
  };
}

/** setupGuide is the window's guided first run. */
export const setupGuide = new SetupGuideState();
