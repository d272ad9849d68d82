/**
 * The command-line switches a packaged Standby refuses to start with, as a plain function (no
 * `electron` import) tested in Node. The fuses already make the packaged binary ignore `--inspect`
 * and NODE_OPTIONS (electron-builder.yml), but Chromium's own remote debugging is not a fuse: started
 * with `--remote-debugging-port`, any process on this machine could drive the window through the
 * DevTools protocol, and with it every API method the window may call. So the app quits instead.
 */

/** DEBUG_SWITCHES open Standby to a debugger: Chromium's DevTools protocol, and Node's inspector (also off by fuse). */
export const DEBUG_SWITCHES: readonly string[] = ['remote-debugging-port', 'remote-debugging-pipe', 'remote-debugging-address', 'remote-allow-origins', 'inspect', 'inspect-brk', 'inspect-port', 'inspect-wait'];

/**
 * refusedSwitches lists the debugging switches a start carries (`hasSwitch` is
 * `app.commandLine.hasSwitch`, which reads `--x`, `--x=v` and, on Windows, `/x` alike). Only a
 * packaged app refuses them: developers debug the unpackaged one.
 */
export function refusedSwitches(packaged: boolean, hasSwitch: (name: string) => boolean): string[] {
  return packaged ? DEBUG_SWITCHES.filter((s) => hasSwitch(s)).map((s) => `--${s}`) : [];
}

/** refusalMessage is what a refused start prints before it quits. */
export function refusalMessage(switches: string[]): string {
  return `Standby does not start with ${switches.join(', ')}: it would let other programs on this computer control it. Start it without ${switches.length === 1 ? 'that switch' : 'those switches'}.`;
}
