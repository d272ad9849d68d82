/**
 * Ready-to-copy commands for sending alerts to Standby (docs/api.md, "Inbound alerts"): curl for
 * the Events API v2 (`POST /v2/enqueue`, `POST /v2/change/enqueue`), the Alertmanager receiver,
 * and heartbeat pings (docs/monitors.md), for the base URL the inbound store gives (stores/inbound.svelte.ts).
 * Keys are put in as given: the page shows them only where the person asked to see the key.
 */

/** Snippet is one titled command. */
export interface Snippet {
  id: string;
  title: string;
  text: string;
  language: 'sh' | 'yaml';
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** eventsV2Snippets are curl commands that trigger, acknowledge and resolve an incident and record a change event. */
export function eventsV2Snippets(base: string, key: string): Snippet[] {
  const post = (path: string, body: unknown): string =>
    `curl -sS -X POST ${base}${path} -H 'Content-Type: application/json' -d ${q(JSON.stringify(body, null, 2))}`;
  const dedup = 'srv01/disk';
  return [
    {
      id: 'trigger',
      title: 'Trigger an incident',
      language: 'sh',
      text: post('/v2/enqueue', {
        routing_key: key,
        event_action: 'trigger',
        dedup_key: dedup,
        payload: { summary: 'DISK at 99% on srv01.example.com', source: 'srv01.example.com', severity: 'critical', custom_details: { 'free space': '1%' } },
      }),
    },
    { id: 'acknowledge', title: 'Acknowledge it (same dedup_key)', language: 'sh', text: post('/v2/enqueue', { routing_key: key, event_action: 'acknowledge', dedup_key: dedup }) },
    { id: 'resolve', title: 'Resolve it', language: 'sh', text: post('/v2/enqueue', { routing_key: key, event_action: 'resolve', dedup_key: dedup }) },
    {
      id: 'change',
      title: 'Record a change event (a deploy; it never pages)',
      language: 'sh',
      text: post('/v2/change/enqueue', { routing_key: key, payload: { summary: 'Deployed shop v2.4.1', source: 'github-actions' } }),
    },
  ];
}

/** alertmanagerSnippets are the alertmanager.yml receiver and a curl command that sends one firing alert. */
export function alertmanagerSnippets(base: string, key: string): Snippet[] {
  const receiver = [
    '# alertmanager.yml',
    'receivers:',
    '  - name: standby',
    '    webhook_configs:',
    `      - url: ${base}/integrations/alertmanager`,
    '        http_config:',
    '          authorization:',
    `            credentials: ${key}      # sent as "Authorization: Bearer <key>"`,
    // Over HTTPS (Standby on the network), Alertmanager must trust the certificate: Standby's own is self-signed.
    ...(base.startsWith('https:')
      ? ['          tls_config:', '            ca_file: /etc/alertmanager/standby-cert.pem   # a copy of Standby\'s tls-cert.pem (Settings shows the fingerprint)']
      : []),
    '        max_alerts: 100                # keeps a big group under the 4 MB body limit',
  ].join('\n');
  const body = {
    version: '4',
    groupKey: '{}:{alertname="DiskFull"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'standby',
    groupLabels: { alertname: 'DiskFull' },
    commonLabels: { alertname: 'DiskFull', severity: 'critical' },
    commonAnnotations: { summary: 'Disk almost full' },
    externalURL: 'http://alertmanager.lan:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'DiskFull', instance: 'srv01:9100', severity: 'critical' },
        annotations: { summary: 'Disk almost full' },
        startsAt: '2026-03-02T08:40:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.lan:9090/graph',
        fingerprint: 'c1a2b3d4e5f60718',
      },
    ],
  };
  const curl = `curl -sS -X POST ${base}/integrations/alertmanager -H ${q(`Authorization: Bearer ${key}`)} -H 'Content-Type: application/json' -d ${q(JSON.stringify(body, null, 2))}`;
  return [
    { id: 'receiver', title: 'Alertmanager receiver', language: 'yaml', text: receiver },
    { id: 'test', title: 'Send a test alert with curl', language: 'sh', text: curl },
  ];
}

/** heartbeatSnippets are the ways a job reports to its ping URL. */
export function heartbeatSnippets(url: string): Snippet[] {
  return [
    { id: 'success', title: 'Report a successful run', language: 'sh', text: `curl -fsS -m 10 --retry 3 ${q(url)}` },
    { id: 'start-fail', title: 'Report the start, or a failure', language: 'sh', text: `curl -fsS -m 10 ${q(`${url}/start`)}\ncurl -fsS -m 10 ${q(`${url}/fail`)}` },
    { id: 'cron', title: 'In a crontab, with the exit status', language: 'sh', text: `0 3 * * * /usr/local/bin/backup.sh; curl -fsS -m 10 --retry 3 "${url}/$?" >/dev/null` },
  ];
}
