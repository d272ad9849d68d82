/**
 * Safe destruction in Chromium against a headless server: deleting a service, an escalation policy or
 * a contact method asks first in a dialog that names what depends on it. What the engine would refuse
 * (a service with incidents or monitors, a policy a service pages through, a contact method a rule
 * pages) is named with what to do first, and no Delete is offered; Cancel changes nothing; the
 * dialog's own button deletes.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, UI_TEST_MS, uiSuiteName, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-confirm-delete-token-0123456789abcdef';

describe.skipIf(!hasChromium)(uiSuiteName('confirm dialogs before deleting, in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  let defaultPolicyId: number;

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();
  const dialog = (name: string | RegExp): Locator => page.getByRole('dialog', { name });
  const items = (d: Locator, id: string): Promise<string[]> => d.getByTestId(id).getByRole('listitem').allTextContents();

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-confirm-', viewport: { width: 1280, height: 900 } });
    ({ server, page } = session);
    const svc = (await server.engine.invoke('services.list', {}))[0]!;
    defaultPolicyId = svc.escalationPolicyId;
    const shop = await server.engine.invoke('services.create', { name: 'Imported shop', escalationPolicyId: defaultPolicyId });
    await server.engine.invoke('integrations.create', { serviceId: shop.id, type: 'events_v2', name: 'Prometheus' });
    const blog = await server.engine.invoke('services.create', { name: 'Blog', escalationPolicyId: defaultPolicyId });
    await server.engine.invoke('incidents.trigger', { serviceId: blog.id, title: 'Blog is down', severity: 'critical' });
    await server.engine.invoke('escalationPolicies.create', { name: 'Unused policy', levels: [{ delayMinutes: 15, targets: [{ kind: 'me' }] }, { delayMinutes: 15, targets: [{ kind: 'me' }] }] });
    await server.engine.invoke('contactMethods.create', { type: 'email', label: 'Spare mailbox', address: 'spare@example.com' });
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });
  afterAll(() => session?.close());

  const serviceNames = async () => (await server.engine.invoke('services.list', {})).map((s) => s.name).sort();

  it('asks before deleting a service, naming its integrations; Cancel keeps it', async () => {
    await nav('Services');
    await page.getByRole('button', { name: 'Delete Imported shop' }).click();
    const d = dialog('Delete the service “Imported shop”?');
    await d.waitFor();
    expect(await items(d, 'confirm-effects')).toEqual([
      'Its 1 integration goes with it: alerts sent with their keys are refused from then on.',
      `Its escalation policy “${(await server.engine.invoke('escalationPolicies.list', {})).find((p) => p.id === defaultPolicyId)!.name}” stays.`,
    ]);
    await page.screenshot({ path: join(RESULTS_DIR, 'confirm-delete-service.png') });
    await d.getByRole('button', { name: 'Cancel' }).click();
    await d.waitFor({ state: 'hidden' });
    expect(await serviceNames()).toContain('Imported shop');

    await page.getByRole('button', { name: 'Delete Imported shop' }).click();
    await d.getByRole('button', { name: 'Delete service' }).click();
    await d.waitFor({ state: 'hidden' });
    expect(await serviceNames()).not.toContain('Imported shop');
    await page.getByRole('button', { name: 'Delete Imported shop' }).waitFor({ state: 'detached' });
    // Escape closes the dialog as Cancel does.
    await page.getByRole('button', { name: 'Delete Blog' }).click();
    await dialog('Delete the service “Blog”?').waitFor();
    await page.keyboard.press('Escape');
    await dialog('Delete the service “Blog”?').waitFor({ state: 'hidden' });
  });

  it('names what stops a deletion and offers no Delete', async () => {
    await page.getByRole('button', { name: 'Delete Blog' }).click();
    const d = dialog('Delete the service “Blog”?');
    // The dialog opens once the page has asked the engine what depends on the service.
    await d.waitFor();
    expect(await items(d, 'confirm-blockers')).toEqual(['It has 1 incident in its history, which would lose their service: turn it off instead (Edit → Enabled).']);
    expect(await d.getByRole('button', { name: 'Delete service' }).count()).toBe(0);
    await d.getByRole('button', { name: 'Close' }).click();
    expect(await serviceNames()).toContain('Blog');
  });

  it('asks before deleting an escalation policy, naming the services that page through it', async () => {
    await nav('Escalation policies');
    const policies = await server.engine.invoke('escalationPolicies.list', {});
    const used = policies.find((p) => p.id === defaultPolicyId)!;
    await page.getByRole('button', { name: `Delete ${used.name}` }).click();
    const blocked = dialog(`Delete the escalation policy “${used.name}”?`);
    await blocked.waitFor();
    expect(await items(blocked, 'confirm-blockers')).toEqual([expect.stringMatching(/^Services .*“Blog”.*“Default service”.* page through it: give them another escalation policy first\.$/)]);
    await blocked.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Delete Unused policy' }).click();
    const d = dialog('Delete the escalation policy “Unused policy”?');
    await d.waitFor();
    expect(await items(d, 'confirm-effects')).toEqual(['No service uses it; its 2 levels go with it.']);
    await d.getByRole('button', { name: 'Delete escalation policy' }).click();
    await d.waitFor({ state: 'hidden' });
    expect((await server.engine.invoke('escalationPolicies.list', {})).map((p) => p.name)).not.toContain('Unused policy');
  });

  it('asks before deleting a contact method, naming the rules that page it', async () => {
    await nav('Profile & notifications');
    await page.getByRole('button', { name: 'Delete This computer' }).click();
    const blocked = dialog('Delete the contact method “This computer”?');
    await blocked.waitFor();
    expect((await items(blocked, 'confirm-blockers'))[0]).toMatch(/^\d+ notification rules? pages? it: delete th(at rule|ose rules) first/);
    await blocked.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Delete Spare mailbox' }).click();
    const d = dialog('Delete the contact method “Spare mailbox”?');
    await d.getByRole('button', { name: 'Delete contact method' }).click();
    await d.waitFor({ state: 'hidden' });
    expect((await server.engine.invoke('contactMethods.list', {})).map((c) => c.label)).not.toContain('Spare mailbox');
    expect((await server.engine.invoke('contactMethods.list', {})).map((c) => c.label)).toContain('This computer');
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.problems).toEqual([]);
  });
});
