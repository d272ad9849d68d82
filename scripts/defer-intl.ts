/**
 * deferIntl is a bundler plugin (rolldown's, which is Rollup's plugin interface) for the engine bundle.
 * A package that builds an Intl formatter as it loads makes ICU map its locale data into the process:
 * got's @sindresorhus/is builds two Intl.ListFormat for its error messages, about 6 MB of resident
 * memory that `standby serve` would keep for its whole life though it may never write such a message.
 * In the bundle each formatter a package builds is made on its first use instead: the same object,
 * reached through a Proxy. Our own code makes its formatters on first use by hand; the test that the
 * server starts without one is test/engine/headless/intl-at-start.test.ts.
 */

/** FORMATTER matches the construction of any Intl formatter. */
const FORMATTER = /\bnew Intl\.(Collator|DateTimeFormat|DisplayNames|DurationFormat|ListFormat|NumberFormat|PluralRules|RelativeTimeFormat|Segmenter)\(/g;

/** DEFERRED is the helper each rewritten module gets: it builds the formatter when a property is first read. */
const DEFERRED = `function __deferredIntl(Formatter, ...args) {
  let made;
  return new Proxy({}, { get(_, key) { made ??= new Formatter(...args); const v = Reflect.get(made, key); return typeof v === 'function' ? v.bind(made) : v; } });
}
`;

/** deferIntlCode rewrites one module's source, or answers null when it builds no formatter. */
export function deferIntlCode(code: string): string | null {
  if (!FORMATTER.test(code)) return null;
  FORMATTER.lastIndex = 0;
  return `${DEFERRED}${code.replace(FORMATTER, '__deferredIntl(Intl.$1, ')}`;
}

/** deferIntl rewrites the packages' modules (node_modules), leaving ours as written. */
export function deferIntl(): { name: string; transform: (code: string, id: string) => { code: string; map: null } | null } {
  return {
    name: 'standby-defer-intl',
    transform(code, id) {
      if (!id.includes('/node_modules/')) return null;
      const out = deferIntlCode(code);
      return out === null ? null : { code: out, map: null };
    },
  };
}
