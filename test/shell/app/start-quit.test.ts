import { afterEach, describe, expect, it } from 'vitest';
import { cleanupShells, launchShell } from '../../helpers/shell-app.ts';

afterEach(cleanupShells);

describe('the shell starts', () => {
  it('takes the lock, starts the engine, makes a calm tray and listens', async () => {
    const s = await launchShell();
    const w = s.electron.world;
    expect(w.count('app.requestSingleInstanceLock')).toBe(1);
    const tray = s.electron.tray();
    console.error(tray.menu?.labels(), tray.tooltip);
    await s.quit();
  });
});
