/**
 * No silent failures, in real Chromium against a headless server: a new phone number is offered SMS and
 * voice rules (nothing is added until the person accepts, and the offer says Twilio is not set up); while
 * rules page through a channel that is not set up, a banner on every page names it and leads to Settings,
 * (each channel linked to its section), and goes live once it is set up; a page that failed marks its incident in the list (the home page) and
 * on its page ("SMS failed: Twilio is not set up") until the same contact method delivers.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, UI_TEST_MS, uiSuiteName, WAIT_MS, type UiSession } from '../helpers/browser.ts';
import { FakeTwilio } from '../engine/responders/fake-twilio.ts';

const TOKEN = 'ui-no-silent-failures-token-0123456789ab';
const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TWILIO_TOKEN = 'tw-Auth-3f9a1c7e5b2d4086';

describe.skipIf(!hasChromium)(uiSuiteName('no silent failures, in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  let problems: string[];
  let twilio: FakeTwilio;

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();
  const types = async () => (await server.engine.invoke('contactMethods.list', {})).map((c) => `${c.type}:${c.address}`);

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-failures-', viewport: { width: 1280, height: 900 } });
    ({ server, page, problems } = session);
    twilio = await new FakeTwilio(SID, TWILIO_TOKEN).start(() => Date.now());
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });
  afterAll(async () => {
    await twilio?.close();
    await session?.close();
  });

  it('a phone number is offered SMS and voice rules, says Twilio is not set up, and adds nothing until accepted', async () => {
    await nav('Profile & notifications');
    await page.getByLabel('Phone').fill('+14155550123');
    await page.getByRole('button', { name: 'Save profile' }).click();
    const offer = page.getByRole('region', { name: 'Page +14155550123 by SMS and voice call?' });
    await offer.waitFor();
    expect(await offer.textContent()).toContain('they need a Twilio account');
    expect(await offer.getByTestId('phone-offer-problem').allTextContents()).toEqual([
      expect.stringContaining('Twilio or an SMS gateway is not set up yet (neither is chosen in the SMS settings): until it is, these pages fail.'),
      expect.stringContaining('Twilio is not set up yet (no account SID and sending number): until it is, these pages fail.'),
    ]);
    await offer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS_DIR, 'phone-offer.png') });
    expect(await types()).toEqual(['desktop:']);

    await offer.getByRole('button', { name: 'Not now' }).click();
    await offer.waitFor({ state: 'detached' });
    expect(await types()).toEqual(['desktop:']);

    // A new number is offered again; accepting adds both contact methods and their rules.
    await page.getByLabel('Phone').fill('+14155550124');
    await page.getByRole('button', { name: 'Save profile' }).click();
    const again = page.getByRole('region', { name: 'Page +14155550124 by SMS and voice call?' });
    await again.getByRole('button', { name: 'Add these rules' }).click();
    expect(await page.getByTestId('phone-offer-added').textContent()).toBe('Added Mobile (SMS) and Mobile (voice call) with their notification rules.');
    expect(await types()).toEqual(['desktop:', 'sms:+14155550124', 'voice:+14155550124']);
    const byId = new Map((await server.engine.invoke('contactMethods.list', {})).map((c) => [c.id, c.type]));
    expect((await server.engine.invoke('notificationRules.list', {})).map((r) => `${r.urgency}:${byId.get(r.contactMethodId)}@${r.startDelayMinutes}`)).toEqual(['high:desktop@0', 'high:sms@5', 'high:voice@10', 'low:desktop@0']);
    expect(problems).toEqual([]);
  });

  it('a banner on every page names the channels rules use but that are not set up, and leads to Settings', async () => {
    const banner = page.locator('[data-testid="health-banner"][data-code="channel_setup"]');
    // It arrived live with the rules (health.changed); no reload.
    await banner.waitFor();
    expect(await banner.textContent()).toContain('SMS needs Twilio or an SMS gateway, which is not set up (neither is chosen in the SMS settings). Voice calls need Twilio, which is not set up (no account SID and sending number).');
    await nav('Monitors');
    await banner.waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'channel-setup-banner.png') });
    // Each channel links to its own section in Settings, opened.
    expect(await banner.getByRole('button').allTextContents()).toEqual(['Set up Twilio or an SMS gateway', 'Set up Twilio']);
    await banner.getByRole('button', { name: 'Set up Twilio', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(page.url()).toMatch(/#\/settings$/);
    await page.locator('[data-testid="channel-twilio"][open]').waitFor();
    expect(await page.locator('details[data-testid^="channel-"][open]').count()).toBe(1);

    // SMS through Twilio: one channel left to set up, and the banner says only that.
    await server.engine.invoke('channels.update', { kind: 'sms', settings: { provider: 'twilio' } });
    await expect.poll(() => banner.textContent(), { timeout: WAIT_MS }).toContain('SMS and voice calls need Twilio, which is not set up (no account SID and sending number).');
    expect(problems).toEqual([]);
  });

  it('a page that failed marks its incident in the list and on its page, until the same contact method delivers', async () => {
    const e = server.engine;
    await e.invoke('channels.update', { kind: 'delivery', settings: { retries: 0 } });
    const sms = (await e.invoke('contactMethods.list', {})).find((c) => c.type === 'sms')!;
    const rule = (await e.invoke('notificationRules.list', {})).find((r) => r.contactMethodId === sms.id)!;
    await e.invoke('notificationRules.update', { id: rule.id, value: { urgency: 'high', startDelayMinutes: 0, contactMethodId: sms.id } });
    await nav('Incidents');
    const serviceId = (await e.invoke('services.list', {}))[0]!.id;
    const r = await e.invoke('incidents.trigger', { serviceId, title: 'Checkout is down', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);

    // The list is the home page; the marker arrives live with the failed delivery.
    const row = page.getByTestId('incident-row').filter({ hasText: 'Checkout is down' });
    const mark = row.getByTestId('page-failure');
    await mark.waitFor();
    expect((await mark.textContent())?.trim()).toBe('⚠ SMS failed: Twilio is not set up');
    expect(await mark.getAttribute('title')).toBe('"Mobile (SMS)": Twilio is not set up: set channels.twilio in Settings → Channels or the configuration file');
    await page.screenshot({ path: join(RESULTS_DIR, 'page-failure-list.png') });

    await row.getByRole('button', { name: 'Checkout is down' }).click();
    const detail = page.locator('section.detail').getByTestId('page-failure');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('SMS failed: Twilio is not set up ("Mobile (SMS)": Twilio is not set up: set channels.twilio');

    // Twilio set up (a fake account on loopback): the banner goes, and the next SMS on this incident clears the mark.
    await e.invoke('channels.update', { kind: 'twilio', settings: { accountSid: SID, from: '+14155550100', baseUrl: twilio.url, answers: false } });
    await e.invoke('channels.setSecret', { kind: 'twilio', value: TWILIO_TOKEN });
    await page.locator('[data-testid="health-banner"][data-code="channel_setup"]').waitFor({ state: 'detached' });
    await e.invoke('incidents.escalate', { id: r.incident.id });
    await detail.waitFor({ state: 'detached' });
    expect(twilio.messages.some((m) => m.to === '+14155550124')).toBe(true);
    await page.getByRole('button', { name: '← All incidents' }).click();
    await row.waitFor();
    expect(await row.getByTestId('page-failure').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
