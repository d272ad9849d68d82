import { describe, expect, it } from 'vitest';
import { allowsPermission, contentSecurityPolicy, externalLink, incidentRoute, isTrustedRendererUrl, rendererUrlFor, type RendererLocation } from '../../electron/main/renderer-policy.ts';
import { parseCsp } from '../../electron/shared/csp.ts';

const INDEX = 'app://standby/index.html';
const prod: RendererLocation = { kind: 'app', indexUrl: INDEX };
const dev: RendererLocation = { kind: 'dev', url: 'http://localhost:5173/' };

describe('renderer policy', () => {
  it('opens an incident on its hash route, which is still our page', () => {
    const url = rendererUrlFor(prod, incidentRoute(12));
    expect(url).toBe(`${INDEX}#/incidents/12`);
    expect(isTrustedRendererUrl(url, prod)).toBe(true);
    expect(rendererUrlFor(dev, '/')).toBe('http://localhost:5173/#/');
  });

  it('lets the page connect nowhere in production, and only to the dev server in development', () => {
    const csp = parseCsp(contentSecurityPolicy(prod));
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(contentSecurityPolicy(prod)).not.toContain('unsafe-eval');
    expect(parseCsp(contentSecurityPolicy(dev))['connect-src']).toEqual(["'self'", 'ws://localhost:5173']);
    expect(parseCsp(contentSecurityPolicy({ kind: 'dev', url: 'https://127.0.0.1:5173/' }))['connect-src']).toEqual(["'self'", 'wss://127.0.0.1:5173']);
  });

  it('sends only plain http(s) links to the system browser', () => {
    expect(externalLink('https://status.example.com/x?y=1')).toBe('https://status.example.com/x?y=1');
    expect(externalLink('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:foo', 'https://user:pw@example.com/', 'not a url']) {
      expect(externalLink(bad), bad).toBeUndefined();
    }
  });

  it('refuses every permission but clipboard writes from our page', () => {
    for (const p of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown']) {
      expect(allowsPermission(p, INDEX, prod), p).toBe(false);
    }
    expect(allowsPermission('clipboard-sanitized-write', `${INDEX}#/services`, prod)).toBe(true);
    expect(allowsPermission('clipboard-sanitized-write', 'https://evil.example/', prod)).toBe(false);
    expect(allowsPermission('clipboard-sanitized-write', undefined, prod)).toBe(false);
  });
});
