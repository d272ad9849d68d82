/**
 * Packaging needs downloads this machine cannot make, so electron-builder.yml is checked the way
 * electron-builder itself checks it before packaging (its JSON schema), plus the project's own rules.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PROJECT_DIR } from '../../scripts/start.ts';
import { APP_ID } from '../../electron/main/app-identity.ts';
import { desktopEntry } from '../../electron/main/login-item.ts';

const configText = readFileSync(join(PROJECT_DIR, 'electron-builder.yml'), 'utf8');
const config = YAML.parse(configText) as Record<string, unknown> & {
  linux: { target: string[]; category: string; icon: string; desktop: { entry: Record<string, string> }; synopsis: string; description: string };
  mac: { target: string[]; category: string; icon: string; extendInfo: Record<string, unknown> };
  win: { target: string[]; icon: string };
  deb: { depends: string[] };
  asarUnpack: string[];
  files: string[];
  electronFuses: Record<string, boolean>;
};

/** validateConfiguration is electron-builder's own check; app-builder-lib is the engine electron-builder depends on. */
const fromBuilder = createRequire(createRequire(join(PROJECT_DIR, 'package.json')).resolve('electron-builder/package.json'));
const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
};

/** The fuse step electron-builder runs after packing (PlatformPackager.doAddElectronFuses), and @electron/fuses' reader. */
const { PlatformPackager } = fromBuilder('app-builder-lib') as {
  PlatformPackager: { prototype: Record<'doAddElectronFuses' | 'generateFuseConfig' | 'addElectronFuses', (...args: unknown[]) => Promise<unknown>> };
};
const fuses = fromBuilder('@electron/fuses') as {
  FuseV1Options: Record<string, number>;
  getCurrentFuseWire(path: string): Promise<Record<number, number>>;
};
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'; // @electron/fuses' constants.ts: the marker before the fuse wire in Electron's binary
const ENABLED = 0x31; // '1'
const DISABLED = 0x30; // '0'

/**
 * EXPECTED_FUSES is the state of each fuse (named as in @electron/fuses' FuseV1Options) in the packaged
 * binary, with Electron's default in the stand-in binary opposite to it wherever the default differs.
 */
const EXPECTED_FUSES: Record<string, { packaged: boolean; electronDefault: boolean }> = {
  RunAsNode: { packaged: false, electronDefault: true },
  EnableCookieEncryption: { packaged: true, electronDefault: false },
  EnableNodeOptionsEnvironmentVariable: { packaged: false, electronDefault: true },
  EnableNodeCliInspectArguments: { packaged: false, electronDefault: true },
  EnableEmbeddedAsarIntegrityValidation: { packaged: true, electronDefault: false },
  OnlyLoadAppFromAsar: { packaged: true, electronDefault: false },
  LoadBrowserProcessSpecificV8Snapshot: { packaged: false, electronDefault: false },
  GrantFileProtocolExtraPrivileges: { packaged: false, electronDefault: true },
};

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
  });

  it('is what the project asks for', () => {
    expect(config).toMatchObject({ appId: 'dev.standby.app', productName: 'Standby', publish: null, npmRebuild: false });
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'], category: 'Network;Monitor' });
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.mac).toMatchObject({ target: ['dmg'], category: 'public.app-category.developer-tools' });
    expect(config.win.target).toEqual(['nsis']);
    expect(config.asarUnpack.some((p) => p.includes('keytar') && p.endsWith('.node'))).toBe(true);
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) expect(existsSync(join(PROJECT_DIR, icon)), icon).toBe(true);
  });

  it('sets every Electron fuse: no run-as-node, NODE_OPTIONS or --inspect; asar only, integrity checked; cookies encrypted', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    // Integrity needs the asar (the default) and the hash electron-builder embeds; neither may be turned off.
    expect(config.asar).not.toBe(false);
    expect(config).not.toHaveProperty('disableAsarIntegrity');
    // Every fuse @electron/fuses knows is decided here, so a new one shows up as a failing test.
    expect(Object.keys(fuses.FuseV1Options).filter((k) => Number.isNaN(Number(k))).sort()).toEqual(Object.keys(EXPECTED_FUSES).sort());
  });

  it("flips the fuses in the binary through electron-builder's own fuse step", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-fuses-'));
    try {
      // A stand-in for the Linux binary: padding, the sentinel, wire version 1, its length, Electron's defaults.
      const names = Object.keys(EXPECTED_FUSES);
      const wire = names.map((n) => (EXPECTED_FUSES[n]!.electronDefault ? ENABLED : DISABLED));
      const binary = join(dir, 'Standby');
      writeFileSync(binary, Buffer.concat([Buffer.alloc(64, 7), Buffer.from(SENTINEL, 'latin1'), Buffer.from([1, wire.length, ...wire]), Buffer.alloc(64, 7)]));
      const p = PlatformPackager.prototype;
      const packager = { config, appInfo: { productFilename: 'Standby' }, generateFuseConfig: p.generateFuseConfig, addElectronFuses: p.addElectronFuses };
      await p.doAddElectronFuses.call(packager, { appOutDir: dir, electronPlatformName: 'linux' });
      const flipped = await fuses.getCurrentFuseWire(binary);
      const states = Object.fromEntries(names.map((n) => [n, flipped[fuses.FuseV1Options[n]!] === ENABLED]));
      expect(states).toEqual(Object.fromEntries(names.map((n) => [n, EXPECTED_FUSES[n]!.packaged])));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('macOS: a menu-bar app with no Dock icon (LSUIElement) that asks for alert-style notifications', () => {
    expect(config.mac.extendInfo).toEqual({ LSUIElement: true, NSUserNotificationAlertStyle: 'alert' });
  });

  it("Windows: the installer's AppUserModelID (its appId) is the one the app sets at start", () => {
    expect(config.appId).toBe(APP_ID);
    // NSIS writes appId as the shortcut's AppUserModelID unless the config overrides it; it does not.
    expect(configText).not.toMatch(/appUserModelId|AppUserModelID/i);
  });

  const validator = ['/usr/bin/desktop-file-validate', '/usr/local/bin/desktop-file-validate'].find((f) => existsSync(f));
  it.skipIf(!validator)(
    `Linux: electron-builder's .desktop entry has the categories and passes desktop-file-validate, as does the autostart entry${validator ? '' : ' (skipped: desktop-file-validate is not installed; apt install desktop-file-utils)'}`,
    async () => {
      const { LinuxTargetHelper } = fromBuilder('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
        LinuxTargetHelper: new (packager: unknown) => { computeDesktopEntry(options: unknown, exec?: string): Promise<string> };
      };
      const packager = {
        appInfo: { productName: 'Standby', sanitizedProductName: 'Standby', description: 'x' },
        executableName: 'standby',
        info: { metadata: {} },
        config,
        platformSpecificBuildOptions: config.linux,
        fileAssociations: [],
      };
      const dir = mkdtempSync(join(tmpdir(), 'standby-desktop-'));
      try {
        const entry = await new LinuxTargetHelper(packager).computeDesktopEntry(config.linux);
        expect(entry).toContain('\nCategories=Network;Monitor;\n');
        expect(entry).toContain('\nStartupWMClass=Standby\n');
        for (const [name, text] of [['standby.desktop', entry], ['autostart.desktop', desktopEntry(['/home/ann/My Apps/Standby.AppImage', '--hidden'])]] as const) {
          writeFileSync(join(dir, name), text);
          expect(execFileSync(validator!, [join(dir, name)], { encoding: 'utf8' }), name).toBe('');
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
