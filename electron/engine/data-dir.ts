/** Where Standby keeps its data: the same folder Electron's userData uses, so app and headless share it. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** APP_NAME is the folder name under the platform's per-user config directory. */
export const APP_NAME = 'Standby';

/** defaultDataDir mirrors Electron's app.getPath('userData') for an app named Standby. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

/** DATABASE_FILE is the SQLite file inside the data directory. */
export const DATABASE_FILE = 'standby.db';
