/** The desktop channel: hands the notification to the DesktopPort (the Electron shell, or the headless web UI). */
import { headline, NotConnectedError, type Channel, type DesktopPort } from '../channel.ts';

/**
 * desktopChannel builds the channel around the shell's port; a port that throws is a retryable
 * failure, and one with no device connected (NotConnectedError) makes the page wait for one.
 */
export function desktopChannel(port: DesktopPort): Channel {
  return {
    type: 'desktop',
    unavailable: () => port.unavailable?.(),
    async send(_contact, m, ctx) {
      try {
        const title = m.test ? 'Standby: test notification' : headline(m);
        const body = m.test ? 'Desktop notifications work.' : `${m.serviceName} · ${m.urgency} urgency`;
        await port.show({ incidentId: m.incidentId, number: m.number, title, body, urgency: m.urgency }, { signal: ctx.signal, timeoutMs: ctx.timeoutMs });
        return { ok: true };
      } catch (err) {
        return { ok: false, retryable: true, error: (err as Error).message, ...(err instanceof NotConnectedError ? { untilConnected: true } : {}) };
      }
    },
  };
}
