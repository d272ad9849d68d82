/**
 * What depends on a thing the person is about to delete or replace, in sentences for the confirm
 * dialog: `blockers` are what the engine would refuse the deletion for (the dialog then offers no
 * Delete, only what to do first), `effects` are what goes with it. Pure functions of the data the
 * stores already hold, plus counts the caller reads from the API.
 */
import type { ConfigPreview } from '../../../electron/shared/api.ts';
import type { ContactMethod, EscalationPolicy, NotificationRule, Service } from '../../../electron/shared/schemas.ts';
import { changeLines } from './config-preview.ts';

/** Dependents are what the dialog says before a deletion. */
export interface Dependents {
  blockers: string[];
  effects: string[];
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const go = (n: number): string => (n === 1 ? 'goes' : 'go');
const quoted = (names: string[]): string => names.map((n) => `“${n}”`).join(', ');

/** serviceDependents says what a service's deletion touches: its monitors and incidents stop it; its integrations go with it. */
export function serviceDependents(s: Service, d: { monitorNames: string[]; incidents: number; integrations: number; policyName: string }): Dependents {
  const blockers: string[] = [];
  if (d.monitorNames.length > 0) blockers.push(`It is watched by ${plural(d.monitorNames.length, 'monitor', 'monitors')} (${quoted(d.monitorNames)}): move them to another service or delete them first.`);
  if (d.incidents > 0) blockers.push(`It has ${plural(d.incidents, 'incident', 'incidents')} in its history, which would lose their service: turn it off instead (Edit → Enabled).`);
  const effects: string[] = [];
  effects.push(d.integrations > 0 ? `Its ${plural(d.integrations, 'integration', 'integrations')} ${go(d.integrations)} with it: alerts sent with their keys are refused from then on.` : 'It has no integrations.');
  if (s.maintenanceWindows.length > 0) effects.push(`Its ${plural(s.maintenanceWindows.length, 'maintenance window', 'maintenance windows')} ${go(s.maintenanceWindows.length)} with it.`);
  effects.push(`Its escalation policy “${d.policyName}” stays.`);
  return { blockers, effects };
}

/** policyDependents says what an escalation policy's deletion touches: the services using it stop it. */
export function policyDependents(p: EscalationPolicy, services: Service[]): Dependents {
  const using = services.filter((s) => s.escalationPolicyId === p.id).map((s) => s.name);
  const blockers = using.length > 0 ? [`${using.length === 1 ? 'Service' : 'Services'} ${quoted(using)} page${using.length === 1 ? 's' : ''} through it: give ${using.length === 1 ? 'it' : 'them'} another escalation policy first.`] : [];
  return { blockers, effects: using.length === 0 ? [`No service uses it; its ${plural(p.levels.length, 'level', 'levels')} ${go(p.levels.length)} with it.`] : [] };
}

/** contactDependents says what a contact method's deletion touches: the rules and policies that page it stop it. */
export function contactDependents(c: ContactMethod, rules: NotificationRule[], policies: EscalationPolicy[]): Dependents {
  const ruleCount = rules.filter((r) => r.contactMethodId === c.id).length;
  const targeting = policies.filter((p) => p.levels.some((l) => l.targets.some((t) => t.kind === 'contact' && t.contactMethodId === c.id))).map((p) => p.name);
  const blockers: string[] = [];
  if (ruleCount > 0) blockers.push(`${plural(ruleCount, 'notification rule pages', 'notification rules page')} it: delete ${ruleCount === 1 ? 'that rule' : 'those rules'} first (below, under Notification rules).`);
  if (targeting.length > 0) blockers.push(`It is a target of escalation ${targeting.length === 1 ? 'policy' : 'policies'} ${quoted(targeting)}: remove it there first.`);
  return { blockers, effects: blockers.length === 0 ? ['No notification rule or escalation policy pages it; a secret stored only for it is forgotten.'] : [] };
}

/** importDependents says what "Import and replace" removes and changes; nothing blocks it (the preview already checked the file). */
export function importDependents(p: ConfigPreview): Dependents {
  const lines = changeLines(p);
  const removed = lines.filter((l) => l.change === 'remove').map((l) => l.text);
  const changed = lines.filter((l) => l.change === 'update').length;
  const added = lines.filter((l) => l.change === 'add').length;
  const effects = [...removed];
  if (changed > 0 || added > 0) effects.push(`It also changes ${plural(changed, 'entry', 'entries')} and adds ${plural(added, 'entry', 'entries')}.`);
  if (removed.length === 0) effects.push('Nothing is removed.');
  effects.push('Incidents are kept.');
  return { blockers: [], effects };
}
