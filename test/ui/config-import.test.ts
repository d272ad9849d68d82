/**
 * Importing a configuration in Settings, in Chromium against a headless server: uploading a file
 * shows a preview first (counts per section, each change, a re-pointed destination as a warning)
 * and imports nothing; Cancel leaves the configuration as it was, and "Import and replace" asks once
 * more, naming what it removes, then imports exactly the previewed file.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, UI_TEST_MS, type UiSession } from '../helpers/browser.ts';
import { waitFor } from '../helpers/headless.ts';

const TOKEN = 'ui-config-import-token-0123456789abcdef';

const SAMPLE = `version: 1
profile: { name: Ada, email: ada@example.com, phone: "", timeZone: UTC }
contactMethods:
  - { label: This computer, type: desktop, address: "" }
  - { label: Team Slack, type: slack, address: "https://hooks.slack.com/services/T0/B0/abc", secretRef: slack-signing }
notificationRules:
  - { urgency: high, startDelayMinutes: 0, contactMethod: This computer }
escalationPolicies:
  - { name: Default, levels: [ { delayMinutes: 15, targets: [ { kind: me } ] }, { delayMinutes: 15, targets: [ { kind: contact, contactMethod: Team Slack } ] } ] }
services:
  - { name: Blog, escalationPolicy: Default }
  - { name: Shop, escalationPolicy: Default }
channels:
  sms: { provider: webhook, url: "http://127.0.0.1:8080/sms" }
`;

/** CHANGED re-points the Slack hook, drops Shop and adds Wiki. */
const CHANGED = (() => {
  const doc = YAML.parse(SAMPLE);
  doc.contactMethods[1].address = 'https://attacker.example/collect';
  doc.services = [{ name: 'Blog', escalationPolicy: 'Default' }, { name: 'Wiki', escalationPolicy: 'Default' }];
  return YAML.stringify(doc);
})();

describe.skipIf(!hasChromium)(uiSuiteName('configuration import in Chromium'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  const exported = async () => (await server.engine.invoke('config.export', { format: 'yaml' })).text;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-config-import-', viewport: { width: 1280, height: 1000 } });
    ({ server, page } = session);
    await server.engine.invoke('config.import', { text: SAMPLE });
  });
  afterAll(() => session?.close());

  it(
    'previews an uploaded file with its destination change, cancels without importing, then imports on confirmation',
    async () => {
      const before = await exported();
      await page.goto(`${server.url}/#token=${TOKEN}`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
      const form = page.getByRole('form', { name: 'Import configuration' });
      await form.getByLabel('From a file').setInputFiles({ name: 'standby.yaml', mimeType: 'application/yaml', buffer: Buffer.from(CHANGED) });
      await waitFor(async () => (await form.getByLabel('Or paste it here').inputValue()) === CHANGED, 'the file in the text box');

      await form.getByRole('button', { name: 'Preview import' }).click();
      const preview = form.getByRole('region', { name: 'Before you import: what this file changes' });
      await preview.waitFor();
      const warning = preview.getByRole('alert');
      expect(await warning.textContent()).toContain('1 destination changes');
      expect(await warning.textContent()).toContain('contact method “Team Slack”: address: https://hooks.slack.com/services/T0/B0/… → https://attacker.example/collect');
      expect(await warning.textContent()).toContain('will not be sent to the new one until you enter it again');
      expect(await preview.getByTestId('import-count-services').textContent()).toBe('Services1011');
      expect(await preview.getByTestId('import-count-contactMethods').textContent()).toBe('Contact methods0101');
      expect(await preview.getByRole('list', { name: 'Changes' }).getByRole('listitem').allTextContents()).toEqual([
        'Changes contact method “Team Slack”: address',
        'Adds service “Wiki”',
        'Removes service “Shop”',
      ]);
      await page.screenshot({ path: join(RESULTS_DIR, 'config-import-preview.png'), fullPage: true });
      expect(await exported()).toBe(before);

      await preview.getByRole('button', { name: 'Cancel' }).click();
      await preview.waitFor({ state: 'detached' });
      expect(await exported()).toBe(before);
      expect((await server.engine.invoke('services.list', {})).map((s) => s.name)).toEqual(['Blog', 'Shop']);

      await form.getByRole('button', { name: 'Preview import' }).click();
      await preview.waitFor();
      // Editing the text after a preview: confirming would not import what was shown, so it waits for a new preview.
      await form.getByLabel('Or paste it here').fill(`${CHANGED}# edited\n`);
      expect(await preview.getByRole('button', { name: 'Import and replace' }).isDisabled()).toBe(true);
      await form.getByLabel('Or paste it here').fill(CHANGED);
      await preview.getByRole('button', { name: 'Import and replace' }).click();
      // One more question, naming what the import removes; Cancel there imports nothing either.
      const dialog = page.getByRole('dialog', { name: 'Replace the configuration with this file?' });
      await dialog.waitFor();
      expect(await dialog.getByTestId('confirm-effects').getByRole('listitem').allTextContents()).toEqual(['Removes service “Shop”', 'It also changes 1 entry and adds 1 entry.', 'Incidents are kept.']);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await exported()).toBe(before);
      await preview.getByRole('button', { name: 'Import and replace' }).click();
      await dialog.getByRole('button', { name: 'Replace the configuration' }).click();
      await form.getByRole('status').filter({ hasText: 'Imported 2 services' }).waitFor();
      expect(await preview.count()).toBe(0);
      expect((await server.engine.invoke('services.list', {})).map((s) => s.name)).toEqual(['Blog', 'Wiki']);
      expect((await server.engine.invoke('contactMethods.list', {})).find((c) => c.label === 'Team Slack')?.address).toBe('https://attacker.example/collect');
      expect(session.problems).toEqual([]);
    },
    UI_TEST_MS,
  );
});
