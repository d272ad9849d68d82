/**
 * The double's `Tray`, `Menu` and `nativeImage`. A tray keeps its image, tooltip, title and menu;
 * `clickMenu` finds an item by its labels (`['#1 Disk full', 'Acknowledge']`) and clicks it as the
 * person would. Menus are built from the shell's templates, exactly as given.
 */
import { EventEmitter } from 'node:events';
import type { AddRepresentationOptions, CreateFromBufferOptions, Menu, MenuItem, MenuItemConstructorOptions, NativeImage, Tray, TitleOptions } from 'electron';
import type { ElectronWorld } from './world.ts';

/** NativeImageDouble keeps the image bytes at each scale factor, so a test can tell which icon file the tray shows. */
export class NativeImageDouble implements Pick<NativeImage, 'addRepresentation' | 'isEmpty'> {
  readonly representations: Array<{ scaleFactor: number; buffer: Buffer }> = [];
  constructor(buffer: Buffer, scaleFactor: number) {
    this.representations.push({ scaleFactor, buffer });
  }
  addRepresentation(options: AddRepresentationOptions): void {
    if (!options.buffer) throw new Error('the double only takes representations from a buffer');
    this.representations.push({ scaleFactor: options.scaleFactor ?? 1, buffer: options.buffer });
  }
  isEmpty(): boolean {
    return this.representations.every((r) => r.buffer.length === 0);
  }
  /** is tells whether the image at scale 1 has exactly these bytes. */
  is(bytes: Buffer): boolean {
    return this.representations.some((r) => r.scaleFactor === 1 && r.buffer.equals(bytes));
  }
}

/** nativeImageDouble is `nativeImage` (the shell builds its tray icons from PNG buffers). */
export const nativeImageDouble = {
  createFromBuffer(buffer: Buffer, options?: CreateFromBufferOptions): NativeImage {
    return new NativeImageDouble(buffer, options?.scaleFactor ?? 1) as unknown as NativeImage;
  },
};

/** MenuDouble is a built menu: the template's items, with their submenus built too. */
export class MenuDouble extends EventEmitter {
  readonly items: MenuItemConstructorOptions[];
  constructor(template: Array<MenuItemConstructorOptions | MenuItem>) {
    super();
    this.items = template.map((t) => ({ ...(t as MenuItemConstructorOptions) }));
  }

  /** labels lists the visible items' labels at the top level ('—' for a separator). */
  labels(): string[] {
    return this.items.map((i) => (i.type === 'separator' ? '—' : (i.label ?? '')));
  }

  /** find walks labels down submenus; it throws listing what there is when a label is missing. */
  find(path: string[]): MenuItemConstructorOptions {
    let items = this.items;
    let found: MenuItemConstructorOptions | undefined;
    for (const label of path) {
      found = items.find((i) => i.label === label);
      if (!found) throw new Error(`no menu item ${JSON.stringify(label)} among ${JSON.stringify(items.map((i) => i.label ?? i.type))}`);
      const sub = found.submenu;
      items = sub instanceof MenuDouble ? sub.items : Array.isArray(sub) ? (sub as MenuItemConstructorOptions[]) : [];
    }
    if (!found) throw new Error('an empty menu path');
    return found;
  }

  /** click clicks the item at `path`, as Electron does (refusing a disabled item, as a greyed entry cannot be clicked). */
  click(path: string[]): void {
    const item = this.find(path);
    if (item.enabled === false) throw new Error(`the menu item ${JSON.stringify(path.join(' › '))} is disabled`);
    if (!item.click) throw new Error(`the menu item ${JSON.stringify(path.join(' › '))} does nothing when clicked`);
    item.click({} as MenuItem, undefined, {} as KeyboardEvent);
  }
}

/** menuDouble is `Menu`. */
export const menuDouble = {
  buildFromTemplate(template: Array<MenuItemConstructorOptions | MenuItem>): Menu {
    return new MenuDouble(template) as unknown as Menu;
  },
};

/** TrayUsed names the members of Electron's `Tray` the shell uses. */
export type TrayUsed = 'setImage' | 'setToolTip' | 'setTitle' | 'setContextMenu' | 'destroy' | 'isDestroyed';

/** TrayDouble is one tray icon. */
export class TrayDouble extends EventEmitter implements Pick<Tray, TrayUsed> {
  image: NativeImageDouble;
  tooltip = '';
  title = '';
  menu: MenuDouble | null = null;
  private destroyed = false;
  private readonly world: ElectronWorld;

  constructor(world: ElectronWorld, image: NativeImage | string) {
    super();
    if (typeof image === 'string') throw new Error('the double takes tray images as NativeImage');
    this.world = world;
    this.image = image as unknown as NativeImageDouble;
    world.record('tray.create');
  }

  setImage(image: NativeImage | string): void {
    this.live();
    if (typeof image === 'string') throw new Error('the double takes tray images as NativeImage');
    this.image = image as unknown as NativeImageDouble;
    this.world.record('tray.setImage');
  }
  setToolTip(toolTip: string): void {
    this.live();
    this.tooltip = toolTip;
  }
  setTitle(title: string, _options?: TitleOptions): void {
    this.live();
    this.title = title;
  }
  setContextMenu(menu: Menu | null): void {
    this.live();
    this.menu = menu as unknown as MenuDouble | null;
    this.world.record('tray.setContextMenu');
  }
  destroy(): void {
    this.destroyed = true;
    this.world.record('tray.destroy');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** clickMenu clicks the item at `path` in the tray's current menu. */
  clickMenu(path: string[]): void {
    if (!this.menu) throw new Error('the tray has no menu yet');
    this.menu.click(path);
  }

  private live(): void {
    // Electron throws on a destroyed tray; a shell that touches one after quit has a bug.
    if (this.destroyed) throw new Error('Object has been destroyed');
  }
}
