/**
 * The API methods of pairing on a box: `pairing.start` (a one-time code, with the certificate to
 * compare), `devices.list` (connected now or last seen) and `devices.revoke` (announced, so the
 * device's own event stream ends and other windows refresh their list).
 */
import type { ApiArgs, ApiEvent, ApiOutputs, ServerInfo } from '../../shared/api.ts';
import type { Pairing } from './pairing.ts';

type DeviceMethod = 'pairing.start' | 'devices.list' | 'devices.revoke';

/** deviceHandlers serves the three methods. */
export function deviceHandlers(pairing: Pairing, server: () => ServerInfo, emit: (e: ApiEvent) => void): { [M in DeviceMethod]: (args: ApiArgs<M>) => ApiOutputs[M] } {
  return {
    'pairing.start': () => ({ ...pairing.start(), fingerprint256: server().tls?.fingerprint256 ?? null, url: server().url }),
    'devices.list': () => pairing.list(),
    'devices.revoke': (a) => {
      const device = pairing.revoke(a.id);
      emit({ type: 'devices.changed', data: { deviceId: device.id, revoked: true } });
      return device;
    },
  };
}
