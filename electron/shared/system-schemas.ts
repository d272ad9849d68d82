/**
 * Where this Standby takes alerts from other tools over HTTP (the Events API v2, Alertmanager
 * webhooks, heartbeat pings): the address it listens on now, the port it asked for and why it may
 * be on another one. `system.info` answers it, `system.setInboundPort` picks the desktop app's port,
 * and `inbound.changed` announces a change.
 */
import { z } from 'zod';

const PORT_RULE = 'must be a whole number from 1024 to 65535 (lower ports need administrator rights)';

/** InboundPort is a port a person may pick for alerts: 1024 to 65535. */
export const InboundPort = z.number({ error: PORT_RULE }).int(PORT_RULE).min(1024, PORT_RULE).max(65535, PORT_RULE);

/** SetInboundPortInput is `system.setInboundPort`'s input. */
export const SetInboundPortInput = z.strictObject({ port: InboundPort });

/**
 * InboundPortSource says what chose the port Standby asked for: the Settings page, the default
 * (8730), the STANDBY_PORT environment variable of the desktop app, or the headless server's `--port`.
 */
export type InboundPortSource = 'settings' | 'default' | 'STANDBY_PORT' | '--port';

/** InboundStatus is where alerts reach this Standby over HTTP, and why not where it asked. */
export interface InboundStatus {
  /** url is where tools send alerts now, or null while Standby takes no alerts over HTTP. */
  url: string | null;
  /** port is the port listened on now, or null. */
  port: number | null;
  /** wantedPort is the port Standby asked for (0: any free port). */
  wantedPort: number;
  /** wantedFrom says what chose wantedPort. */
  wantedFrom: InboundPortSource;
  /** unavailable says why wantedPort could not be used ("taken by another program"), or null when it is in use. */
  unavailable: string | null;
  /** settingPort is the desktop app's port from Settings: the one picked there, else the default 8730 (STANDBY_PORT overrides it). */
  settingPort: number;
  /**
   * live says a new port from Settings is applied at once (the desktop app, when STANDBY_PORT is
   * unset); otherwise it is stored and the desktop app uses it at its next start.
   */
  live: boolean;
}

/** SystemInfo answers `system.info`. */
export interface SystemInfo {
  inbound: InboundStatus;
}
