import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../electron/engine/clock.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { builtinChannels } from '../../electron/engine/notify/registry.ts';
import { INTERNAL_ERROR_MESSAGE, checkInvoke, handleInvoke, type InvokeSender } from '../../electron/main/ipc-guard.ts';
import { rendererLocation, type RendererLocation } from '../../electron/main/renderer-policy.ts';

const INDEX = 'app://standby/index.html';
/** FILE_INDEX is where the page used to load from (file://): no longer ours. */
const FILE_INDEX = pathToFileURL('/opt/Standby/resources/app.asar/out/renderer/index.html').href;
const prod: RendererLocation = rendererLocation({ packaged: true, devServerUrl: undefined });
const dev: RendererLocation = rendererLocation({ packaged: false, devServerUrl: 'http://localhost:5173/' });

const ours = (frameUrl: string | undefined = `${INDEX}#/incidents/3`): InvokeSender => ({ frameUrl, isMainFrame: true, isMainWindow: true });

describe('checkInvoke: who may call', () => {
  it('accepts our index.html, on any route, calling a contract method', () => {
    expect(checkInvoke(ours(), 'incidents.list', prod)).toEqual({ ok: true, method: 'incidents.list' });
    expect(checkInvoke(ours(INDEX), 'profile.get', prod)).toEqual({ ok: true, method: 'profile.get' });
  });

  it('accepts the dev server origin in development', () => {
    expect(checkInvoke(ours('http://localhost:5173/#/services'), 'services.list', dev).ok).toBe(true);
  });

  it.each([
    ['a web origin', 'https://evil.example/'],
    ['a file', pathToFileURL('/tmp/evil.html').href],
    ['the built index.html as a file:// URL', FILE_INDEX],
    ['our page with a query', `${INDEX}?x=1`],
    ['another page of our origin', 'app://standby/assets/evil.html'],
    ['our path on another app:// host', 'app://evil/index.html'],
    ['our host with a port', 'app://standby:8080/index.html'],
    ['our page with credentials', 'app://user:pw@standby/index.html'],
    ['another scheme with our host and path', 'apps://standby/index.html'],
    ['a data URL', 'data:text/html,<script>1</script>'],
    ['the dev server when packaged', 'http://localhost:5173/'],
    ['not a URL', 'nonsense'],
  ])('rejects %s', (_what, url) => {
    const v = checkInvoke(ours(url), 'incidents.list', prod);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.error.code).toBe('unauthorized');
  });

  it('rejects another origin in development', () => {
    expect(checkInvoke(ours('http://localhost:6000/'), 'incidents.list', dev).ok).toBe(false);
  });

  it('rejects a subframe, another webContents, and a frame that is gone', () => {
    expect(checkInvoke({ ...ours(), isMainFrame: false }, 'incidents.list', prod).ok).toBe(false);
    expect(checkInvoke({ ...ours(), isMainWindow: false }, 'incidents.list', prod).ok).toBe(false);
    expect(checkInvoke({ frameUrl: undefined, isMainFrame: true, isMainWindow: true }, 'incidents.list', prod).ok).toBe(false);
  });

  it('ignores ELECTRON_RENDERER_URL when packaged, and a dev server that is not on this machine', () => {
    expect(rendererLocation({ packaged: true, devServerUrl: 'http://localhost:5173' })).toEqual({ kind: 'app', indexUrl: INDEX });
    expect(rendererLocation({ packaged: false, devServerUrl: 'http://evil.example:5173' })).toEqual({ kind: 'app', indexUrl: INDEX });
    expect(rendererLocation({ packaged: false, devServerUrl: undefined })).toEqual({ kind: 'app', indexUrl: INDEX });
  });
});

describe('checkInvoke: what may be called', () => {
  it.each([[42], [null], [undefined], [{ toString: () => 'incidents.list' }], [['incidents.list']]])('rejects the non-string method %j', (method) => {
    const v = checkInvoke(ours(), method, prod);
    expect(v).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it.each(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'incidents', 'incidents.list ', ''])('rejects the unknown method %j', (method) => {
    const v = checkInvoke(ours(), method, prod);
    expect(v).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('handleInvoke', () => {
  let engine: Engine;
  const logged: string[] = [];
  const log = (line: string) => logged.push(line);

  beforeEach(async () => {
    logged.length = 0;
    engine = new Engine({ databasePath: ':memory:', clock: new FakeClock(), channels: builtinChannels({ show: async () => {} }) });
    await engine.start();
  });
  afterEach(async () => {
    await engine.stop();
  });

  it('returns the method value for a good call', async () => {
    const r = await handleInvoke(engine, ours(), 'incidents.list', {}, prod, log);
    expect(r).toEqual({ ok: true, value: { incidents: [], total: 0 } });
  });

  it('passes bad input to the engine, whose schema check comes back as invalid_input data', async () => {
    const r = await handleInvoke(engine, ours(), 'incidents.snooze', { id: 'one', minutes: 0 }, prod, log);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_input');
    expect(r.error.issues?.map((i) => i.path).sort()).toEqual(['id', 'minutes']);
    expect(logged).toEqual([]);
  });

  it('returns not_found as data for a missing incident', async () => {
    const r = await handleInvoke(engine, ours(), 'incidents.acknowledge', { id: 999 }, prod, log);
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('never reaches the engine for a refused sender or method, and logs why', async () => {
    let calls = 0;
    const spy = { call: async () => (calls++, 'x') };
    expect(await handleInvoke(spy, ours('https://evil.example/'), 'incidents.list', {}, prod, log)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await handleInvoke(spy, ours(), '__proto__', {}, prod, log)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await handleInvoke(spy, ours(), 7, {}, prod, log)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(calls).toBe(0);
    expect(logged).toHaveLength(3);
    expect(logged[0]).toContain('https://evil.example/');
  });

  it('hides an unexpected error behind a generic internal message and logs the details', async () => {
    const broken = { call: async () => Promise.reject(new Error('SQLITE_CORRUPT: /home/ada/.config/Standby/standby.db')) };
    const r = await handleInvoke(broken, ours(), 'incidents.list', {}, prod, log);
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE } });
    expect(logged.join('\n')).toContain('SQLITE_CORRUPT');
  });
});
