/**
 * ChannelsState is the settings page's notification sections: each channel's (and delivery's) settings
 * as a form built from channel-fields.ts, saved with `channels.update` (its issues name
 * `settings.<field>`), and the keychain entries each section names: whether each holds a secret
 * (from `channels.get`, never the secret) and a field to store one with `secrets.set`; and the ack
 * links' signing key, which `secrets.rotate` replaces.
 */
import type { ChannelSettingsKind, ChannelSettingsUpdate, ChannelSettingsView } from '../../../../electron/shared/channel-schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { CHANNEL_SECTIONS } from '../channel-fields.ts';
import { FormState } from '../form.svelte.ts';
import { configFromDraft, draftFromConfig, type SchemaDraft } from '../schema-form.ts';
import { deliveryBudget } from './delivery-budget.svelte.ts';

/** SecretDraft is a secret being typed: it is sent once and the field is emptied. */
export interface SecretDraft {
  ref: string;
  value: string;
}

const sectionOf = (kind: ChannelSettingsKind) => {
  const s = CHANNEL_SECTIONS.find((x) => x.kind === kind);
  if (!s) throw new Error(`no settings section for ${kind}`);
  return s;
};

/** ChannelsState holds one form per section and one secret form per keychain entry. */
export class ChannelsState {
  views = $state<Partial<Record<ChannelSettingsKind, ChannelSettingsView>>>({});
  forms = Object.fromEntries(
    CHANNEL_SECTIONS.map((s) => [s.kind, new FormState<SchemaDraft>(draftFromConfig(s.fields, null), s.fields.map((f) => f.key), 'Not saved: please correct the fields marked below.')]),
  ) as Record<ChannelSettingsKind, FormState<SchemaDraft>>;
  /** secretForms are keyed "<kind>.<field>" (such as "twilio.authTokenRef"). */
  secretForms = $state<Record<string, FormState<SecretDraft>>>({});
  error = $state<string | null>(null);
  removed = $state<Partial<Record<ChannelSettingsKind, boolean>>>({});
  /** loaded is true once the settings page has fetched the sections. */
  loaded = $state(false);
  /** focus is the section a link asked to open (a banner's "Set up Twilio"), or null. */
  focus = $state<ChannelSettingsKind | null>(null);
  /** ackKeyRotation is the state of the ack links' "Rotate signing key" button. */
  ackKeyRotation = new FormState<Record<string, never>>({}, []);

  /** load fetches every section. */
  async load(): Promise<void> {
    try {
      await Promise.all(CHANNEL_SECTIONS.map((s) => this.loadOne(s.kind)));
      this.error = null;
      this.loaded = true;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** loadOne fetches one section and, with fillForm, fills its form (unless it is being saved). */
  async loadOne(kind: ChannelSettingsKind, fillForm = true): Promise<void> {
    this.#show(await call('channels.get', { kind }), fillForm);
  }

  #show(view: ChannelSettingsView, fillForm: boolean): void {
    this.views[view.kind] = view;
    const form = this.forms[view.kind];
    if (fillForm && !form.busy) form.reset(draftFromConfig(sectionOf(view.kind).fields, view.settings));
    for (const s of view.secrets) {
      const key = `${view.kind}.${s.field}`;
      const existing = this.secretForms[key];
      if (!existing) this.secretForms[key] = new FormState<SecretDraft>({ ref: s.ref, value: '' }, ['value', 'ref']);
      else if (!existing.busy) existing.draft.ref = s.ref;
    }
  }

  /** save stores a section's settings. */
  async save(kind: ChannelSettingsKind): Promise<void> {
    this.removed[kind] = false;
    const view = await this.forms[kind].submit((d) => call('channels.update', { kind, settings: configFromDraft(sectionOf(kind).fields, d) } as ChannelSettingsUpdate), 'settings');
    if (view) {
      this.#show(view, false);
      if (kind === 'delivery') await deliveryBudget.load();
    }
  }

  /** remove deletes a section's settings (the channel's defaults apply, or it is not set up). */
  async remove(kind: ChannelSettingsKind): Promise<void> {
    const view = await this.forms[kind].submit(() => call('channels.update', { kind, settings: null }), 'settings');
    if (view) {
      this.#show(view, false);
      this.forms[kind].reset(draftFromConfig(sectionOf(kind).fields, null));
      this.removed[kind] = true;
      if (kind === 'delivery') await deliveryBudget.load();
    }
  }

  /** storeSecret puts a secret in the keychain entry and forgets it; the section then says it is set. */
  async storeSecret(kind: ChannelSettingsKind, field: string): Promise<void> {
    const form = this.secretForms[`${kind}.${field}`];
    if (!form) return;
    // A channel's own secret is entered for the server and account its settings name now (`channels.setSecret`).
    const stored = await form.submit(async (d): Promise<unknown> => (isChannelWithSecret(kind) ? call('channels.setSecret', { kind, value: d.value }) : call('secrets.set', { ref: d.ref, value: d.value })));
    form.draft.value = '';
    if (stored) await this.loadOne(kind, false).catch(() => {});
  }

  /** rotateAckKey makes a new signing key for ack links (`secrets.rotate`): every link already sent then does nothing. */
  async rotateAckKey(): Promise<void> {
    if (await this.ackKeyRotation.submit(() => call('secrets.rotate', { ref: 'standby.ackSigningKey' }))) await this.loadOne('ack', false).catch(() => {});
  }
}

const CHANNELS_WITH_SECRET = ['email', 'twilio', 'pushover', 'telegram', 'ntfy'] as const;
function isChannelWithSecret(kind: ChannelSettingsKind): kind is (typeof CHANNELS_WITH_SECRET)[number] {
  return (CHANNELS_WITH_SECRET as readonly string[]).includes(kind);
}

/** channels is the settings page's channel sections. */
export const channels = new ChannelsState();
