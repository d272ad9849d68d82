/**
 * Field labels: what a person calls each field the engine names in an error (`timeoutSeconds` is the
 * "Timeout", `config.expectedStatus.0` the "Expected status"), so a form says "Timeout must be at most
 * the check interval (5 s)" rather than naming an internal field. One map for every form.
 */

/** FIELD_LABELS maps a field's name (its path's last word, or a longer path where a word alone is ambiguous) to its label. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'Name',
  label: 'Label',
  description: 'Description',
  type: 'Type',
  kind: 'Monitor type',
  address: 'Address',
  secretRef: 'Keychain entry',
  urlSecretRef: 'Keychain entry for the URL',
  email: 'Email',
  phone: 'Phone number',
  timeZone: 'Time zone',
  urgency: 'Urgency',
  severity: 'Severity',
  startDelayMinutes: 'Delay',
  contactMethodId: 'Contact method',
  serviceId: 'Service',
  escalationPolicyId: 'Escalation policy',
  ackTimeoutMinutes: 'Acknowledge timeout',
  autoResolveMinutes: 'Auto-resolve',
  urgencyRule: 'Urgency rule',
  supportHours: 'Support hours',
  maintenanceWindows: 'Maintenance windows',
  repeatCount: 'Repeat',
  levels: 'Levels',
  delayMinutes: 'Escalate after',
  targets: 'Targets',
  days: 'Days',
  start: 'Start',
  end: 'End',
  intervalSeconds: 'Check interval',
  timeoutSeconds: 'Timeout',
  retries: 'Retries',
  retryIntervalSeconds: 'Retry interval',
  recoveryChecks: 'Recovery checks',
  'flapping.changes': 'Flapping changes',
  'flapping.windowMinutes': 'Flapping window',
  url: 'URL',
  method: 'Method',
  headers: 'Headers',
  body: 'Request body',
  expectedStatus: 'Expected status codes',
  maxRedirects: 'Maximum redirects',
  maxResponseMs: 'Slow after',
  'keyword.text': 'Keyword',
  'json.path': 'JSON path',
  host: 'Host',
  port: 'Port',
  from: 'From address',
  user: 'User',
  accountSid: 'Account SID',
  smsVoicePerDay: 'SMS and calls per day',
  title: 'Title',
  text: 'Text',
};

/** fieldLabel is a field's label: from FIELD_LABELS (the longest matching tail of its path), else its name in words. */
export function fieldLabel(path: string): string {
  const words = path.split('.').filter((w) => !/^\d+$/.test(w) && w !== 'value' && w !== 'config');
  for (let i = 0; i < words.length; i++) {
    const known = FIELD_LABELS[words.slice(i).join('.')];
    if (known) return known;
  }
  const last = words.at(-1) ?? '';
  const spaced = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced ? `${spaced.charAt(0).toUpperCase()}${spaced.slice(1)}` : 'This';
}

/**
 * issueSentence says one error as a sentence about its field: "must be at most 2,000 characters" on
 * `description` is "Description must be at most 2,000 characters". A message that is already a sentence
 * (it starts with a capital) is kept, with the label before it.
 */
export function issueSentence(path: string, message: string): string {
  const label = fieldLabel(path);
  if (/^(must|is|are|needs?|cannot|has|should)\b/.test(message)) return `${label} ${message}`;
  return `${label}: ${message}`;
}
