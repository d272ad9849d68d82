/**
 * Words for a configuration preview (`config.preview`): each section's title, its counts of added,
 * changed, removed and kept entries, one line per change, and each destination that changes.
 */
// Types only: a value from api.ts would bring its zod schemas into the page, and zod tries `new Function` (which the CSP refuses).
import type { ConfigDestinationChange, ConfigEntryChange, ConfigPreview, ConfigPreviewSection } from '../../../electron/shared/api.ts';

/** SECTION_TITLES names each section as the app's pages do, in the contract's order (ConfigPreviewSections). */
export const SECTION_TITLES: Record<ConfigPreviewSection, string> = {
  contactMethods: 'Contact methods',
  notificationRules: 'Notification rules',
  escalationPolicies: 'Escalation policies',
  services: 'Services',
  monitors: 'Monitors',
  channels: 'Channel settings',
};

const ENTRY: Record<ConfigPreviewSection, string> = {
  contactMethods: 'contact method',
  notificationRules: 'notification rule',
  escalationPolicies: 'escalation policy',
  services: 'service',
  monitors: 'monitor',
  channels: 'channel settings',
};

/** SECTIONS are the sections listed entry by entry; the Record type above makes sure none is missing. */
const SECTIONS = Object.keys(SECTION_TITLES) as ConfigPreviewSection[];

const VERB = { add: 'Adds', update: 'Changes', remove: 'Removes', keep: 'Keeps' } as const;

/** SectionCounts is one row of the preview's table. */
export interface SectionCounts {
  section: ConfigPreviewSection;
  title: string;
  add: number;
  update: number;
  remove: number;
  keep: number;
}

/** sectionCounts counts each section's entries by what the import does to them. */
export function sectionCounts(p: ConfigPreview): SectionCounts[] {
  return SECTIONS.map((section) => {
    const count = (change: ConfigEntryChange['change']) => p[section].filter((e) => e.change === change).length;
    return { section, title: SECTION_TITLES[section], add: count('add'), update: count('update'), remove: count('remove'), keep: count('keep') };
  });
}

/** ChangeLine is one thing the import does, in a sentence. */
export interface ChangeLine {
  key: string;
  change: ConfigEntryChange['change'];
  text: string;
  note: string | undefined;
}

/** changeLines lists what the import adds, changes and removes (the profile and monitoring settings first), and what it keeps for a reason. */
export function changeLines(p: ConfigPreview): ChangeLine[] {
  const lines: ChangeLine[] = [];
  for (const [what, entry] of [['your profile', p.profile], ['the monitoring settings', p.monitoring]] as const) {
    if (entry.change === 'update') lines.push({ key: entry.name, change: 'update', text: `Changes ${what}: ${entry.fields?.join(', ') ?? ''}`, note: entry.note });
  }
  for (const section of SECTIONS) {
    p[section].forEach((e, i) => {
      if (e.change === 'keep' && !e.note) return;
      const fields = e.fields && e.fields.length > 0 ? `: ${e.fields.join(', ')}` : '';
      lines.push({ key: `${section}.${i}`, change: e.change, text: `${VERB[e.change]} ${ENTRY[section]} “${e.name}”${fields}`, note: e.note });
    });
  }
  return lines;
}

/** destinationLabel names what a destination change is on: `contact method “Team Slack”: address`. */
export function destinationLabel(d: ConfigDestinationChange): string {
  return d.section === 'contactMethods' ? `contact method “${d.name}”: ${d.field}` : `${d.name} channel: ${d.field}`;
}
