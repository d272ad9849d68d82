/**
 * The configuration file's shape ("configuration as code"): the profile, contact methods,
 * notification rules, escalation policies, services and non-secret channel settings in one
 * document. Entities refer to each other by name (a contact method by its label, a policy by its
 * name), never by database id, so a person can write the file by hand and keep it in git.
 * Built from the domain schemas, so a field's rule and message are the same everywhere.
 */
import { z } from 'zod';
import { ChannelSettingsSchemas } from './channel-schemas.ts';
import { ContactMethodInput, EscalationLevel, EscalationPolicyInput, EscalationTarget, NotificationRuleInput, ProfileInput, ServiceInput } from './schemas.ts';
import { MonitorFields, MonitoringSettings, monitorRules } from './monitor-schemas.ts';

/** ConfigFileVersion is the format version this build reads and writes. */
export const ConfigFileVersion = 1;

/** ConfigTextMaxChars bounds a configuration file's text (5 MB); a real one is a few kilobytes. */
export const ConfigTextMaxChars = 5_000_000;

const contactLabel = ContactMethodInput.shape.label;
const policyName = EscalationPolicyInput.shape.name;

/** ConfigTarget is an escalation target in the file: me, or a contact method named by its label. */
export const ConfigTarget = z.discriminatedUnion('kind', [
  EscalationTarget.options[0],
  z.strictObject({ kind: z.literal('contact'), contactMethod: contactLabel }),
]);
export type ConfigTarget = z.infer<typeof ConfigTarget>;

/** ConfigLevel is an escalation level whose contact targets are named by label. */
export const ConfigLevel = EscalationLevel.extend({
  targets: z.array(ConfigTarget).min(1, 'a level needs at least one target').max(10),
});
export type ConfigLevel = z.infer<typeof ConfigLevel>;

/** ConfigPolicy is an escalation policy whose levels name contact methods by label. */
export const ConfigPolicy = EscalationPolicyInput.extend({
  levels: z.array(ConfigLevel).min(1, 'a policy needs at least one level').max(20, 'at most 20 levels'),
});
export type ConfigPolicy = z.infer<typeof ConfigPolicy>;

/** ConfigRule is a notification rule naming its contact method by label. */
export const ConfigRule = NotificationRuleInput.omit({ contactMethodId: true }).extend({ contactMethod: contactLabel });
export type ConfigRule = z.infer<typeof ConfigRule>;

/** ConfigService is a service naming its escalation policy by name. */
export const ConfigService = ServiceInput.omit({ escalationPolicyId: true }).extend({ escalationPolicy: policyName });
export type ConfigService = z.infer<typeof ConfigService>;

/** ConfigMonitor is a monitor naming its service by name; `config` is checked against the monitor type when the file is imported. */
export const ConfigMonitor = MonitorFields.omit({ serviceId: true }).extend({ service: ServiceInput.shape.name }).superRefine(monitorRules);
export type ConfigMonitor = z.infer<typeof ConfigMonitor>;

/** ConfigChannels holds each notification channel's non-secret settings, keyed by channel (docs/channels.md). */
export const ConfigChannels = z.strictObject({
  email: ChannelSettingsSchemas.email.optional(),
  sms: ChannelSettingsSchemas.sms.optional(),
  voice: ChannelSettingsSchemas.voice.optional(),
  twilio: ChannelSettingsSchemas.twilio.optional(),
  ntfy: ChannelSettingsSchemas.ntfy.optional(),
  pushover: ChannelSettingsSchemas.pushover.optional(),
  telegram: ChannelSettingsSchemas.telegram.optional(),
  webhook: ChannelSettingsSchemas.webhook.optional(),
  delivery: ChannelSettingsSchemas.delivery.optional(),
  ack: ChannelSettingsSchemas.ack.optional(),
});
export type ConfigChannels = z.infer<typeof ConfigChannels>;

/** ConfigFile is the whole configuration as one document, validated including every reference by name. */
export const ConfigFile = z
  .strictObject({
    version: z.literal(ConfigFileVersion, { error: `must be ${ConfigFileVersion} (the only format version this build reads)` }),
    profile: ProfileInput,
    contactMethods: z.array(ContactMethodInput).max(1000).default([]),
    notificationRules: z.array(ConfigRule).max(1000).default([]),
    escalationPolicies: z.array(ConfigPolicy).max(1000).default([]),
    services: z.array(ConfigService).max(1000).default([]),
    monitors: z.array(ConfigMonitor).max(5000).default([]),
    /** monitoring: settings for all monitors (reference targets, raw result retention, concurrency); defaults when absent. */
    monitoring: MonitoringSettings.prefault({}),
    channels: ConfigChannels.default({}),
  })
  .superRefine((file, ctx) => {
    const labels = unique(file.contactMethods.map((c) => c.label), 'contactMethods', 'label', ctx);
    const policies = unique(file.escalationPolicies.map((p) => p.name), 'escalationPolicies', 'name', ctx);
    const services = unique(file.services.map((s) => s.name), 'services', 'name', ctx);
    unique(file.monitors.map((m) => m.name), 'monitors', 'name', ctx);
    file.monitors.forEach((m, i) => {
      if (!services.has(m.service)) ctx.addIssue({ code: 'custom', path: ['monitors', i, 'service'], message: `no service named "${m.service}" in services` });
    });

    const needContact = (label: string, path: Array<string | number>) => {
      if (!labels.has(label)) ctx.addIssue({ code: 'custom', path, message: `no contact method labelled "${label}" in contactMethods` });
    };
    file.notificationRules.forEach((r, i) => needContact(r.contactMethod, ['notificationRules', i, 'contactMethod']));
    file.escalationPolicies.forEach((p, pi) =>
      p.levels.forEach((l, li) =>
        l.targets.forEach((t, ti) => {
          if (t.kind === 'contact') needContact(t.contactMethod, ['escalationPolicies', pi, 'levels', li, 'targets', ti, 'contactMethod']);
        }),
      ),
    );
    file.services.forEach((s, i) => {
      if (!policies.has(s.escalationPolicy)) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'escalationPolicy'], message: `no escalation policy named "${s.escalationPolicy}" in escalationPolicies` });
      }
    });
  });
export type ConfigFile = z.infer<typeof ConfigFile>;

/** unique reports every repeated name in a list and returns the set of names. */
function unique(names: string[], list: string, field: string, ctx: z.RefinementCtx): Set<string> {
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    const seen = first.get(name);
    if (seen === undefined) first.set(name, i);
    else ctx.addIssue({ code: 'custom', path: [list, i, field], message: `must be unique: "${name}" is also the ${field} of ${list}.${seen}` });
  });
  return new Set(first.keys());
}
