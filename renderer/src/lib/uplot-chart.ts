/**
 * The uPlot plumbing every chart shares: colours and axes from the page's CSS custom properties
 * (so light and dark themes apply), a plot that follows its container's width, and following the
 * system's colour scheme so a chart can redraw when it changes.
 */
import uPlot from 'uplot';

/** ChartTheme is what a chart reads from the page's CSS: a colour lookup and the axis style. */
export interface ChartTheme {
  color(name: string): string;
  axis: uPlot.Axis;
}

/** prefersDark tells whether the system asks for a dark colour scheme now. */
export function prefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

/** watchColorScheme calls onChange when the system's colour scheme changes; it returns the unsubscribe. */
export function watchColorScheme(onChange: (dark: boolean) => void): () => void {
  if (typeof matchMedia !== 'function') return () => {};
  const mq = matchMedia('(prefers-color-scheme: dark)');
  const listener = (e: MediaQueryListEvent): void => onChange(e.matches);
  mq.addEventListener('change', listener);
  return () => mq.removeEventListener('change', listener);
}

/** mountChart draws a uPlot chart of the given height in el, resizing with it; it returns the cleanup. */
export function mountChart(el: HTMLElement, height: number, build: (theme: ChartTheme) => { opts: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData }): () => void {
  const css = getComputedStyle(el);
  const color = (name: string): string => css.getPropertyValue(name).trim() || '#888';
  const axis = { stroke: color('--muted'), grid: { stroke: color('--border'), width: 1 }, ticks: { stroke: color('--border'), width: 1 } };
  const { opts, data } = build({ color, axis });
  const width = (): number => Math.max(el.clientWidth, 200);
  const plot = new uPlot({ ...opts, width: width(), height }, data, el);
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height }));
  resize.observe(el);
  return () => {
    resize.disconnect();
    plot.destroy();
  };
}
