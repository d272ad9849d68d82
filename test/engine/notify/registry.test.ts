/** The registry is one explicit list: every file in channels/ is in it, and a duplicate is refused. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../electron/engine/notify/channel.ts';
import { builtinChannels, channelKey, ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import { ROOT } from '../../helpers/headless.ts';

const DIR = join(ROOT, 'electron/engine/notify/channels');
const noPort = { show: async () => {} };

function isChannel(v: unknown): v is Channel {
  return typeof v === 'object' && v !== null && typeof (v as Channel).type === 'string' && typeof (v as Channel).send === 'function';
}

describe('builtinChannels', () => {
  it('registers the channel of every file in channels/', async () => {
    const registered = builtinChannels(noPort).keys();
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(pathToFileURL(join(DIR, file)).href)) as Record<string, unknown>;
      const channels = Object.values(mod).flatMap((v) => (isChannel(v) ? [v] : typeof v === 'function' && /Channel$/.test(v.name) ? [(v as (p: typeof noPort) => unknown)(noPort)].filter(isChannel) : []));
      expect(channels.length, `${file} exports no channel`).toBeGreaterThan(0);
      for (const c of channels) expect(registered, `${file}: ${channelKey(c)} is not in builtinChannels`).toContain(channelKey(c));
    }
  });

  it('refuses a channel registered twice, and picks a provider by name', () => {
    const registry = builtinChannels(noPort);
    expect(() => registry.register({ type: 'email', send: async () => ({ ok: true }) })).toThrow('a channel for "email" is registered twice');
    expect(registry.get('sms', 'twilio')?.provider).toBe('twilio');
    expect(registry.get('sms', 'webhook')?.provider).toBe('webhook');
    expect(registry.get('sms')?.provider).toBe('webhook');
    expect(registry.get('voice', 'carrier-pigeon')).toBeUndefined();
    expect(new ChannelRegistry().get('email')).toBeUndefined();
    expect(registry.types().sort()).toEqual(['desktop', 'discord', 'email', 'ntfy', 'pushover', 'slack', 'sms', 'telegram', 'voice', 'webhook']);
  });
});
