/**
 * Electron cannot run on the CI machines, so the window's security settings are checked statically:
 * the TypeScript source, and the built bundles when `npm run build` has run.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../scripts/start.ts';

type Literal = boolean | string | number | null | 'other';

/** webPreferencesOf finds every `new BrowserWindow({ webPreferences: {...} })` in a file and reads its literal settings. */
function webPreferencesOf(file: string): Array<Record<string, Literal>> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const found: Array<Record<string, Literal>> = [];
  const literal = (e: ts.Expression): Literal => {
    if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (e.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isStringLiteral(e)) return e.text;
    if (ts.isNumericLiteral(e)) return Number(e.text);
    return 'other';
  };
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && /BrowserWindow$/.test(node.expression.getText(source))) {
      const options = node.arguments?.[0];
      expect(options && ts.isObjectLiteralExpression(options), `${file}: BrowserWindow options must be an object literal`).toBe(true);
      const prefs = (options as ts.ObjectLiteralExpression).properties.find((p) => p.name?.getText(source) === 'webPreferences');
      expect(prefs && ts.isPropertyAssignment(prefs) && ts.isObjectLiteralExpression(prefs.initializer), `${file}: webPreferences must be an object literal`).toBe(true);
      const entries: Record<string, Literal> = {};
      for (const p of ((prefs as ts.PropertyAssignment).initializer as ts.ObjectLiteralExpression).properties) {
        expect(ts.isPropertyAssignment(p), `${file}: no spread or shorthand in webPreferences`).toBe(true);
        entries[(p as ts.PropertyAssignment).name.getText(source)] = literal((p as ts.PropertyAssignment).initializer);
      }
      found.push(entries);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const SECURE = { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, nodeIntegrationInSubFrames: false, webviewTag: false, allowRunningInsecureContent: false };

const mainSources = readdirSync(join(PROJECT_DIR, 'electron/main')).filter((f) => f.endsWith('.ts')).map((f) => join(PROJECT_DIR, 'electron/main', f));

describe('the window is sandboxed and context-isolated (static check: Electron cannot run here)', () => {
  it('has exactly two BrowserWindows in electron/main (the dashboard and the alert window), each with the secure webPreferences', () => {
    const windows = mainSources.flatMap(webPreferencesOf);
    expect(windows).toHaveLength(2);
    for (const w of windows) {
      expect(w).toMatchObject(SECURE);
      expect(w.preload).toBe('other'); // the PRELOAD_FILE constant
    }
  });

  it('points the preload at the CommonJS bundle', () => {
    expect(readFileSync(join(PROJECT_DIR, 'electron/main/window.ts'), 'utf8')).toContain("'../preload/index.cjs'");
  });

  it('exposes only window.standby from the preload', () => {
    const preload = readFileSync(join(PROJECT_DIR, 'electron/preload/index.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain("exposeInMainWorld('standby', bridge)");
  });

  const mainBundle = join(PROJECT_DIR, 'out/main/index.js');
  const preloadBundle = join(PROJECT_DIR, 'out/preload/index.cjs');
  const built = existsSync(mainBundle) && existsSync(preloadBundle);
  const skipped = built ? '' : ' (skipped: out/main/index.js or out/preload/index.cjs is missing; run npm run build)';
  describe.skipIf(!built)(`the built bundles${skipped}`, () => {
    it('keep the same webPreferences in out/main/index.js', () => {
      const windows = webPreferencesOf(mainBundle);
      expect(windows).toHaveLength(2);
      for (const w of windows) expect(w).toMatchObject(SECURE);
    });

    it('load the preload from the file the build wrote, and the preload is CommonJS', () => {
      expect(readFileSync(mainBundle, 'utf8')).toContain('../preload/index.cjs');
      const preload = readFileSync(preloadBundle, 'utf8');
      expect(preload).toMatch(/require\("electron"\)/);
      expect(preload).not.toMatch(/^\s*(import|export)\s/m);
      expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    });

    it('keep node:sqlite and keytar out of the main bundle', () => {
      const main = readFileSync(mainBundle, 'utf8');
      expect(main).toMatch(/from "node:sqlite"/);
      expect(main).not.toMatch(/class DatabaseSync/);
      // keytar, when the main process uses it, is loaded from node_modules at run time, never inlined.
      if (main.includes('keytar')) expect(main).toMatch(/from "keytar"|import\("keytar"\)|require\("keytar"\)/);
    });
  });
});
