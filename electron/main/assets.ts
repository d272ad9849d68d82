/**
 * The image files the shell shows, imported with electron-vite's `?asset` suffix: the build copies
 * each into out/main/chunks and the import is its path at runtime (inside the asar when packaged).
 */
/// <reference types="electron-vite/node" />
import appIcon from '../../build/icon.png?asset';
import trayAlert1x from '../../build/tray-alert.png?asset';
import trayAlert2x from '../../build/tray-alert@2x.png?asset';
import trayOff1x from '../../build/tray-disconnected.png?asset';
import trayOff2x from '../../build/tray-disconnected@2x.png?asset';
import tray1x from '../../build/tray.png?asset';
import tray2x from '../../build/tray@2x.png?asset';

/** APP_ICON is the 512 px app icon (window and notification icon). */
export const APP_ICON = appIcon;

/** TRAY_ICONS are the tray's images at scale 1 (16 px) and 2 (32 px): calm, alert while an incident is triggered, and disconnected while the box is not heard. */
export const TRAY_ICONS = {
  calm: { x1: tray1x, x2: tray2x },
  alert: { x1: trayAlert1x, x2: trayAlert2x },
  disconnected: { x1: trayOff1x, x2: trayOff2x },
} as const;
