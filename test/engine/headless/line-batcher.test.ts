/**
 * lineBatcher: the headless server's log lines of one turn go out in one write, in order; flush()
 * writes at once (before a line written another way, and at exit), and an empty turn writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineBatcher } from '../../../electron/engine/headless/line-batcher.ts';

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe('lineBatcher', () => {
  it('writes the lines of one turn in one write, in order, and the next turn’s in another', async () => {
    const writes: string[] = [];
    const out = lineBatcher((text) => writes.push(text));
    out.log('notify #1: Notified desktop: delivered');
    out.log('notify #2: Notified desktop: delivered');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['notify #1: Notified desktop: delivered\nnotify #2: Notified desktop: delivered\n']);
    out.log('notify #3: Notified desktop: delivered');
    await nextTurn();
    await nextTurn();
    expect(writes).toEqual(['notify #1: Notified desktop: delivered\nnotify #2: Notified desktop: delivered\n', 'notify #3: Notified desktop: delivered\n']);
  });

  it('flush writes what is queued at once, and the turn’s end then writes nothing more', async () => {
    const writes: string[] = [];
    const out = lineBatcher((text) => writes.push(text));
    out.log('a');
    out.flush();
    expect(writes).toEqual(['a\n']);
    out.flush();
    await nextTurn();
    expect(writes).toEqual(['a\n']);
  });

  it('the headless server’s lines reach stdout when it exits in the same turn they were logged', () => {
    // A real Node process with the batcher cli-main.ts uses (stdoutLines), then an exit in the same turn.
    const module = resolve(join(import.meta.dirname, '../../../electron/engine/headless/line-batcher.ts'));
    const script = `import { stdoutLines } from ${JSON.stringify(module)};
      const out = stdoutLines();
      out.log('notify #7: Notified desktop: delivered');
      process.exit(3);`;
    let stdout = '';
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    } catch (err) {
      stdout = (err as { stdout: string; status: number }).stdout;
      expect((err as { status: number }).status).toBe(3);
    }
    expect(stdout).toBe('notify #7: Notified desktop: delivered\n');
  });
});
