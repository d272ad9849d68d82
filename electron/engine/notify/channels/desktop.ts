/** The desktop channel: hands the notification to the DesktopPort (the Electron shell, or the headless web UI). */
import type { Channel, DesktopPort } from '../channel.ts';

/** desktopChannel builds the channel around the shell's port. */
export function desktopChannel(port: DesktopPort): Channel {
  return {
    type: 'desktop',
    async send(_contact, m) {
      try {
        await port.show({ incidentId: m.incidentId, number: m.number, title: `#${m.number} ${m.title}`, body: `${m.serviceName} · ${m.urgency} urgency`, urgency: m.urgency });
        return { ok: true };
      } catch (err) {
        return { ok: false, retryable: true, error: `desktop notification failed: ${(err as Error).message}` };
      }
    },
  };
}
