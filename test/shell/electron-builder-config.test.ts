/**
 * Packaging needs downloads this machine cannot make, so electron-builder.yml is checked the way
 * electron-builder itself checks it before packaging (its JSON schema), plus the project's own rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PROJECT_DIR } from '../../scripts/start.ts';

const configText = readFileSync(join(PROJECT_DIR, 'electron-builder.yml'), 'utf8');
const config = YAML.parse(configText) as Record<string, unknown> & {
  linux: { target: string[]; category: string; icon: string };
  mac: { target: string[]; category: string; icon: string };
  win: { target: string[]; icon: string };
  deb: { depends: string[] };
  asarUnpack: string[];
  files: string[];
};

/** validateConfiguration is electron-builder's own check; app-builder-lib is the engine electron-builder depends on. */
const fromBuilder = createRequire(createRequire(join(PROJECT_DIR, 'package.json')).resolve('electron-builder/package.json'));
const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
};

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
  });

  it('is what the project asks for', () => {
    expect(config).toMatchObject({ appId: 'dev.standby.app', productName: 'Standby', publish: null, npmRebuild: false });
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'], category: 'Utility' });
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.mac).toMatchObject({ target: ['dmg'], category: 'public.app-category.developer-tools' });
    expect(config.win.target).toEqual(['nsis']);
    expect(config.asarUnpack.some((p) => p.includes('keytar') && p.endsWith('.node'))).toBe(true);
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) expect(existsSync(join(PROJECT_DIR, icon)), icon).toBe(true);
  });

  it('never runs install-app-deps (it downloads Electron headers)', () => {
    const pkg = readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8');
    expect(configText + pkg).not.toMatch(/install-app-deps|electron-rebuild/);
  });

  it('ships the 512 px icon electron-builder needs for every platform', () => {
    const png = readFileSync(join(PROJECT_DIR, 'build/icon.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});
