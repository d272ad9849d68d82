/**
 * Channel problems: contact methods that page through a channel that cannot send yet (SMS and voice
 * with no Twilio account, email with no SMTP server, Pushover or Telegram with no token). Every such
 * page fails, so Standby says so before it happens: `channels.problems` lists them, and while
 * notification rules or escalation policies page through one, the `channel_setup` health warning
 * names them on every page of the UI (its `health.changed` event updates the banner live).
 */
import type { ChannelProblem, ChannelSection } from '../../shared/trust-schemas.ts';
import { ChannelSettingsSchemas } from '../../shared/channel-schemas.ts';
import type { ContactMethodType } from '../../shared/schemas.ts';
import type { Health } from '../health.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import { DEFAULT_EMAIL_PASSWORD_REF } from './channels/email.ts';
import { DEFAULT_PUSHOVER_TOKEN_REF } from './channels/pushover.ts';
import { DEFAULT_TELEGRAM_TOKEN_REF } from './channels/telegram.ts';
import type { SettingsOf } from './secret-uses.ts';
import { DEFAULT_TWILIO_TOKEN_REF } from './twilio-account.ts';

/** ChannelProblemDeps are what the check reads: the configuration, the channel settings and the secret store. */
export interface ChannelProblemDeps {
  config: ConfigRepo;
  settingsOf: SettingsOf;
  secrets: SecretStore;
}

/** TYPE_WORDS names each contact method type as a sentence says it. */
export const TYPE_WORDS: Record<ContactMethodType, string> = {
  desktop: 'desktop notifications', email: 'email', sms: 'SMS', voice: 'voice calls', ntfy: 'ntfy', pushover: 'Pushover',
  slack: 'Slack', discord: 'Discord', telegram: 'Telegram', webhook: 'webhooks',
};

/** contactTypesInUse are the types of the contact methods a notification rule or an escalation policy pages. */
export function contactTypesInUse(config: ConfigRepo): ContactMethodType[] {
  const types = new Map(config.listContactMethods().map((c) => [c.id, c.type]));
  const used = new Set<ContactMethodType>();
  const add = (id: number) => {
    const t = types.get(id);
    if (t) used.add(t);
  };
  for (const r of config.listNotificationRules()) add(r.contactMethodId);
  for (const p of config.listEscalationPolicies()) for (const level of p.levels) for (const t of level.targets) if (t.kind === 'contact') add(t.contactMethodId);
  return [...used];
}

type Check = { section: ChannelSection; title: string; reason: string } | null;

/** channelProblems lists the channels the given contact types page through that cannot send, one entry per channel. */
export async function channelProblems(d: ChannelProblemDeps, types: readonly ContactMethodType[]): Promise<ChannelProblem[]> {
  const valid = (kind: keyof typeof ChannelSettingsSchemas) => {
    const raw = d.settingsOf(kind);
    return raw === undefined || raw === null ? undefined : ChannelSettingsSchemas[kind].safeParse(raw).success ? raw : null;
  };
  // A keychain that does not answer is the `keychain` problem; it does not also make every channel "not set up".
  const missing = async (ref: string) => {
    try {
      return (await d.secrets.get(ref)) === null;
    } catch {
      return false;
    }
  };
  const twilio = async (): Promise<Check> => {
    const s = valid('twilio');
    if (s === undefined) return { section: 'twilio', title: 'Twilio', reason: 'no account SID and sending number' };
    if (s === null) return { section: 'twilio', title: 'Twilio', reason: 'its settings are not valid' };
    if (await missing(typeof s.authTokenRef === 'string' ? s.authTokenRef : DEFAULT_TWILIO_TOKEN_REF)) return { section: 'twilio', title: 'Twilio', reason: 'no auth token stored' };
    return null;
  };
  const checks: Partial<Record<ContactMethodType, () => Promise<Check>>> = {
    sms: async () => {
      const s = valid('sms');
      if (s === undefined) return { section: 'sms', title: 'Twilio or an SMS gateway', reason: 'neither is chosen in the SMS settings' };
      if (s === null) return { section: 'sms', title: 'The SMS provider', reason: 'its settings are not valid' };
      return s.provider === 'twilio' ? twilio() : null;
    },
    voice: twilio,
    email: async () => {
      const s = valid('email');
      if (s === undefined) return { section: 'email', title: 'Email', reason: 'no SMTP server' };
      if (s === null) return { section: 'email', title: 'Email', reason: 'its settings are not valid' };
      if (typeof s.user === 'string' && s.user !== '' && (await missing(typeof s.passwordRef === 'string' ? s.passwordRef : DEFAULT_EMAIL_PASSWORD_REF))) return { section: 'email', title: 'Email', reason: 'no SMTP password stored' };
      return null;
    },
    pushover: async () => {
      const s = valid('pushover');
      if (s === null) return { section: 'pushover', title: 'Pushover', reason: 'its settings are not valid' };
      return (await missing(typeof s?.tokenRef === 'string' ? s.tokenRef : DEFAULT_PUSHOVER_TOKEN_REF)) ? { section: 'pushover', title: 'Pushover', reason: 'no application token stored' } : null;
    },
    telegram: async () => {
      const s = valid('telegram');
      if (s === null) return { section: 'telegram', title: 'Telegram', reason: 'its settings are not valid' };
      return (await missing(typeof s?.botTokenRef === 'string' ? s.botTokenRef : DEFAULT_TELEGRAM_TOKEN_REF)) ? { section: 'telegram', title: 'Telegram', reason: 'no bot token stored' } : null;
    },
  };
  const bySection = new Map<ChannelSection, ChannelProblem>();
  for (const type of new Set(types)) {
    const found = await checks[type]?.();
    if (!found) continue;
    const seen = bySection.get(found.section);
    if (seen) seen.contactTypes.push(type);
    else bySection.set(found.section, { ...found, contactTypes: [type] });
  }
  return [...bySection.values()];
}

/** describeProblems is the health warning's text: which pages will fail, why, and where to fix it. */
export function describeProblems(problems: readonly ChannelProblem[]): string {
  const parts = problems.map((p) => {
    const what = list(p.contactTypes.map((t) => TYPE_WORDS[t]));
    return `${what.charAt(0).toUpperCase()}${what.slice(1)} need${p.contactTypes.length === 1 && !what.endsWith('s') ? 's' : ''} ${p.title}, which is not set up (${p.reason}).`;
  });
  return `${parts.join(' ')} Notification rules page through ${problems.length === 1 ? 'it' : 'them'}, so those pages will fail: set ${problems.length === 1 ? 'it' : 'them'} up in Settings → Channels.`;
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * ChannelSetupWatch keeps the `channel_setup` warning in step with the configuration: `check` runs after
 * every change that may fix or cause a problem (checks never overlap; one asked for meanwhile runs next).
 */
export class ChannelSetupWatch {
  private running: Promise<void> | null = null;
  private again = false;
  private readonly d: ChannelProblemDeps;
  private readonly health: Health;
  private readonly log: (line: string) => void;

  constructor(deps: ChannelProblemDeps, health: Health, log: (line: string) => void) {
    this.d = deps;
    this.health = health;
    this.log = log;
  }

  /** check looks again; the promise settles once the warning is current. */
  check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          const problems = await channelProblems(this.d, contactTypesInUse(this.d.config));
          if (problems.length === 0) this.health.clear('channel_setup');
          else this.health.set('channel_setup', 'warning', describeProblems(problems));
        } catch (err) {
          this.log(`channel setup check failed: ${(err as Error).message}`);
        }
      } while (this.again);
      this.running = null;
    })();
    return this.running;
  }
}
