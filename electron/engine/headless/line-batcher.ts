/**
 * The headless server's log lines go to stdout, a pipe or journald's socket, where every write is a
 * system call made while the engine waits (Node writes to pipes synchronously on Linux). A page
 * delivered is a line, so a burst of a thousand pages a second was a thousand writes: about a tenth
 * of what a desktop page cost the server. LineBatcher writes the lines of one turn of the event loop
 * in one write, in order, and whatever is left when the process exits.
 */

/** LineBatcher collects lines and writes them together. */
export interface LineBatcher {
  /** log queues a line (without its newline) for the write at the end of this turn. */
  log(line: string): void;
  /** flush writes the queued lines now (before a line written some other way, and at exit). */
  flush(): void;
}

/** lineBatcher writes each turn's lines through `write`; `later` runs the flush after the turn (setImmediate). */
export function lineBatcher(write: (text: string) => void, later: (fn: () => void) => void = setImmediate): LineBatcher {
  let lines: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    lines = [];
    write(text);
  };
  return {
    log(line) {
      lines.push(line);
      if (!scheduled) {
        scheduled = true;
        later(flush);
      }
    },
    flush,
  };
}

/** stdoutLines is the headless server's batcher: to stdout, and what is left written when the process exits. */
export function stdoutLines(): LineBatcher {
  const out = lineBatcher((text) => process.stdout.write(text));
  process.on('exit', () => out.flush());
  return out;
}
