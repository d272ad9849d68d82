/**
 * RowWindow keeps a long table quick to show: past WINDOW_FROM rows, only the rows on screen and a
 * screenful either side are in the page, and two spacer rows stand for the others, so the scroll bar
 * and the page's height are those of the whole table. Scrolling or resizing moves the window. A
 * shorter table has every row in the page, as before.
 *
 * Use: `const rows = new RowWindow(() => list.length)`, `<tbody use:rows.follow>`, a spacer
 * `<tr style:height="{rows.top}px">` before `{#each list.slice(rows.start, rows.end) ...}` and one of
 * `rows.bottom` after it.
 */

/** WINDOW_FROM is the row count from which the table is windowed; below it every row is rendered. */
export const WINDOW_FROM = 300;
/** ESTIMATED_ROW_PX is a row's height until one is measured. */
const ESTIMATED_ROW_PX = 48;
/** OVERSCAN_SCREENS is how many screens of rows are kept above and below the visible ones. */
const OVERSCAN_SCREENS = 1;

export class RowWindow {
  #count: () => number;
  #first = $state(0);
  #visible = $state(Math.ceil((typeof window === 'undefined' ? 900 : window.innerHeight) / ESTIMATED_ROW_PX));
  #rowPx = $state(ESTIMATED_ROW_PX);
  /**
   * #measured: the window has been measured and painted once. Before that only the first screen is
   * rendered; the screens around it follow in a task after the first measure (after that frame's
   * paint), so the first screen of rows is painted sooner.
   */
  #measured = $state(false);

  constructor(count: () => number) {
    this.#count = count;
  }

  /** windowed says whether the table is long enough to render only part of it. */
  get windowed(): boolean {
    return this.#count() > WINDOW_FROM;
  }

  /** #overscan is how many screens of rows are kept either side of the visible ones now. */
  get #overscan(): number {
    return this.#measured ? OVERSCAN_SCREENS : 0;
  }

  /** start is the index of the first row in the page. */
  get start(): number {
    return this.windowed ? Math.min(Math.max(0, this.#first - this.#visible * this.#overscan), Math.max(0, this.#count() - 1)) : 0;
  }

  /** end is one past the index of the last row in the page. */
  get end(): number {
    return this.windowed ? Math.min(this.#count(), this.#first + this.#visible * (1 + this.#overscan)) : this.#count();
  }

  /** top is the height the rows above the window would take. */
  get top(): number {
    return this.start * this.#rowPx;
  }

  /** bottom is the height the rows below the window would take. */
  get bottom(): number {
    return Math.max(0, this.#count() - this.end) * this.#rowPx;
  }

  /** follow is the action for the table's tbody: it moves the window as the page scrolls or resizes. */
  follow = (body: HTMLElement): { destroy: () => void } => {
    let frame = 0;
    let overscanTimer: ReturnType<typeof setTimeout> | undefined;
    const measure = (): void => {
      frame = 0;
      if (!this.windowed) return;
      const row = body.querySelector<HTMLElement>('tr[data-row]');
      const px = row?.getBoundingClientRect().height;
      if (px && px > 0) this.#rowPx = px;
      const top = body.getBoundingClientRect().top;
      this.#first = Math.max(0, Math.floor(-top / this.#rowPx));
      this.#visible = Math.ceil(window.innerHeight / this.#rowPx) + 1;
      if (!this.#measured && overscanTimer === undefined) overscanTimer = setTimeout(() => (this.#measured = true), 0);
    };
    const schedule = (): void => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    schedule();
    return {
      destroy: () => {
        window.removeEventListener('scroll', schedule);
        window.removeEventListener('resize', schedule);
        if (frame !== 0) cancelAnimationFrame(frame);
        clearTimeout(overscanTimer);
      },
    };
  };
}
