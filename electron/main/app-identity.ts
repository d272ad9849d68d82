/**
 * Standby's identity to the OS, shared by the shell and the packaging config (no `electron` import):
 * the app id electron-builder writes into the Windows installer's shortcut as its AppUserModelID (and
 * the macOS bundle id). Windows shows a notification only for an app whose AppUserModelID matches a
 * Start-menu shortcut, so the running app sets the same one (`app.setAppUserModelId`);
 * test/shell/electron-builder-config.test.ts checks it against electron-builder.yml's `appId`.
 * See https://www.electronjs.org/docs/latest/tutorial/notifications#windows.
 */

/** APP_ID is electron-builder's `appId`, the Windows AppUserModelID and the macOS bundle identifier. */
export const APP_ID = 'dev.standby.app';
