/**
 * The browser tab as a pager rings, in real Chromium against a real headless server: a high-urgency
 * page plays the alarm (the alert window's alarm.wav, looping) until its incident is acknowledged or
 * resolved, anywhere; Mute silences it (a new page rings again); a low-urgency page never rings; and
 * with the alarm off in Settings the tab says so instead of ringing.
 *
 * Chromium is started with `--autoplay-policy=no-user-gesture-required`: the page plays the alarm
 * when a page arrives, and a test has no person to have clicked the tab first. A tab nobody clicked
 * in a desktop browser is refused sound instead; headless Chromium allows it whatever the autoplay
 * flag says (and counts the test's navigation as an activation), so in one test an init script makes
 * `play()` refuse (NotAllowedError, as Chromium does) until the document has had a trusted click, and
 * the test clicks the page's own "Play the alarm" (a real input event).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, UI_TEST_MS, uiSuiteName, WAIT_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-tab-alarm-token-0123456789abcdefgh';

describe.skipIf(!hasChromium)(uiSuiteName('the alarm in a browser tab in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  let serviceId: number;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-tab-alarm-', viewport: { width: 1100, height: 700 }, args: ['--autoplay-policy=no-user-gesture-required'] });
    ({ server, page } = session);
    serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });
  afterAll(() => session?.close());

  /** trigger opens an incident on the default service, whose urgency follows the severity (critical: high, warning: low). */
  async function trigger(title: string, severity: 'critical' | 'warning'): Promise<number> {
    const r = await server.engine.invoke('incidents.trigger', { serviceId, title, severity });
    if (r.status === 'suppressed') throw new Error(`suppressed: ${r.reason}`);
    return r.incident.id;
  }

  const audio = (): Promise<{ paused: boolean; loop: boolean; src: string; time: number }> =>
    page.getByTestId('tab-alarm-audio').evaluate((a: HTMLAudioElement) => ({ paused: a.paused, loop: a.loop, src: a.src, time: a.currentTime }));
  const bar = () => page.getByTestId('tab-alarm');
  const paged = (title: string) => page.getByTestId('notification-banner').filter({ hasText: title }).waitFor();

  it('a low-urgency page does not ring', async () => {
    await trigger('Backup took longer than usual', 'warning');
    await paged('Backup took longer than usual');
    expect((await audio()).paused).toBe(true);
    expect(await bar().count()).toBe(0);
  });

  it('a high-urgency page plays the alarm in a loop until the incident is acknowledged', async () => {
    const id = await trigger('Checkout returns 502', 'critical');
    await bar().filter({ hasText: 'Checkout returns 502' }).waitFor();
    await expect.poll(async () => (await audio()).paused, { timeout: WAIT_MS }).toBe(false);
    const first = await audio();
    expect(first.loop).toBe(true);
    expect(new URL(first.src).pathname).toBe('/alarm.wav');
    await expect.poll(async () => (await audio()).time, { timeout: WAIT_MS }).toBeGreaterThan(first.time);
    expect(await bar().getAttribute('data-sound')).toBe('playing');
    await page.screenshot({ path: join(RESULTS_DIR, 'tab-alarm.png') });

    // Acknowledged anywhere (here through the API, as from a phone): the tab goes quiet.
    await server.engine.invoke('incidents.acknowledge', { id });
    await bar().waitFor({ state: 'detached' });
    expect((await audio()).paused).toBe(true);
  });

  it('Mute silences the alarm; a new high-urgency page rings again, and resolving both ends it', async () => {
    const first = await trigger('Queue backlog above 10k', 'critical');
    await expect.poll(async () => (await audio()).paused, { timeout: WAIT_MS }).toBe(false);
    await bar().getByRole('button', { name: 'Mute' }).click();
    await bar().filter({ hasText: 'Alarm muted' }).waitFor();
    expect((await audio()).paused).toBe(true);
    expect(await bar().getByRole('button', { name: 'Mute' }).count()).toBe(0);

    const second = await trigger('Payments API down', 'critical');
    await bar().filter({ hasText: 'Payments API down' }).waitFor();
    await expect.poll(async () => (await audio()).paused, { timeout: WAIT_MS }).toBe(false);
    expect(await bar().textContent()).toContain('Queue backlog above 10k');

    await server.engine.invoke('incidents.resolve', { id: first });
    await expect.poll(async () => (await bar().textContent()) ?? '', { timeout: WAIT_MS }).not.toContain('Queue backlog above 10k');
    expect((await audio()).paused).toBe(false);
    await server.engine.invoke('incidents.resolve', { id: second });
    await bar().waitFor({ state: 'detached' });
    expect((await audio()).paused).toBe(true);
  });

  it('a tab nobody clicked, whose browser refuses sound until then, offers Play the alarm, which plays it', async () => {
    const strict = await session.browser.newContext({ viewport: { width: 1100, height: 700 } });
    await strict.addInitScript(() => {
      let clicked = false;
      document.addEventListener('click', (e) => (clicked ||= e.isTrusted), { capture: true });
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        if (clicked) return play.call(this);
        return Promise.reject(new DOMException("play() failed because the user didn't interact with the document first.", 'NotAllowedError'));
      };
    });
    try {
      const tab = await strict.newPage();
      tab.setDefaultTimeout(WAIT_MS);
      await tab.goto(`${server.url}/#token=${TOKEN}`);
      await tab.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      const id = await trigger('Login page times out', 'critical');
      const strictBar = tab.getByTestId('tab-alarm');
      await strictBar.and(tab.locator('[data-sound="blocked"]')).waitFor();
      const paused = () => tab.getByTestId('tab-alarm-audio').evaluate((a: HTMLAudioElement) => a.paused);
      expect(await paused()).toBe(true);
      await strictBar.getByRole('button', { name: 'Play the alarm' }).click();
      await expect.poll(paused, { timeout: WAIT_MS }).toBe(false);
      expect(await strictBar.getAttribute('data-sound')).toBe('playing');
      await server.engine.invoke('incidents.acknowledge', { id });
      await strictBar.waitFor({ state: 'detached' });
      expect(await paused()).toBe(true);
    } finally {
      await strict.close();
    }
    await bar().waitFor({ state: 'detached' });
  });

  it('with the alarm off in Settings, a high-urgency page says so instead of ringing, and silences one already ringing', async () => {
    // One page rings; the alarm is switched off; the next page silences it and says why.
    const ringing = await trigger('Cache hit rate below 50 %', 'critical');
    await expect.poll(async () => (await audio()).paused, { timeout: WAIT_MS }).toBe(false);
    await server.engine.invoke('desktop.updateSettings', { alarm: { sound: false, volume: 80, quietHours: null } });
    const id = await trigger('Disk full on db1', 'critical');
    await bar().filter({ hasText: 'the alarm is off in Settings' }).waitFor();
    expect(await bar().getAttribute('data-sound')).toBe('quiet');
    expect((await audio()).paused).toBe(true);
    await server.engine.invoke('incidents.acknowledge', { id });
    await server.engine.invoke('incidents.acknowledge', { id: ringing });
    await bar().waitFor({ state: 'detached' });
    expect(session.problems).toEqual([]);
  });
});
