/**
 * The ready-to-copy Alertmanager receiver (renderer/src/lib/inbound-snippets.ts) is valid YAML in the
 * shape of Alertmanager's webhook_config, and over HTTPS (Standby on the network, with its own
 * self-signed certificate by default) it tells Alertmanager which certificate to trust.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertmanagerSnippets } from '../../renderer/src/lib/inbound-snippets.ts';

const receiver = (base: string) => {
  const yaml = alertmanagerSnippets(base, 'k'.repeat(32)).find((s) => s.language === 'yaml')!.text;
  return (parse(yaml) as { receivers: Array<{ name: string; webhook_configs: Array<Record<string, unknown>> }> }).receivers[0]!.webhook_configs[0]!;
};

describe('the Alertmanager receiver snippet', () => {
  it('over HTTPS names the certificate to trust in http_config.tls_config', () => {
    expect(receiver('https://192.168.1.5:8730')).toEqual({
      url: 'https://192.168.1.5:8730/integrations/alertmanager',
      http_config: { authorization: { credentials: 'k'.repeat(32) }, tls_config: { ca_file: '/etc/alertmanager/standby-cert.pem' } },
      max_alerts: 100,
    });
  });

  it('over plain HTTP on this computer has no TLS settings', () => {
    expect(receiver('http://127.0.0.1:8730')).toEqual({
      url: 'http://127.0.0.1:8730/integrations/alertmanager',
      http_config: { authorization: { credentials: 'k'.repeat(32) } },
      max_alerts: 100,
    });
  });
});
