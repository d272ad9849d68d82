/**
 * Configuration import benchmark: how long parseConfig takes to refuse hostile files (an alias
 * bomb, nesting millions deep, a map of 40,000 keys, the largest text allowed) and to import and
 * preview a realistic one, into an in-memory database. Every row is time the engine's one thread
 * is busy, so nothing else (escalations, monitors) runs meanwhile. Prints the median of a few runs.
 *
 * `node bench/config.bench.ts` (or `npm run bench -- config`).
 */
import { exportConfig, importConfig, parseConfig } from '../electron/engine/config/config-file.ts';
import { previewConfig } from '../electron/engine/config/config-preview.ts';
import { Store } from '../electron/engine/store/database.ts';
import { ApiError } from '../electron/shared/errors.ts';

const RUNS = 5;

/** realistic is a large but plausible configuration: 20 contact methods, 10 policies, 50 services, 200 monitors. */
function realistic(): string {
  const contacts = Array.from({ length: 20 }, (_, i) => ({ label: `Person ${i} (email)`, type: 'email', address: `p${i}@example.com` }));
  return JSON.stringify({
    version: 1,
    profile: { name: 'Bench', email: 'bench@example.com', phone: '+14155550123', timeZone: 'Europe/Paris' },
    contactMethods: contacts,
    notificationRules: contacts.slice(0, 5).map((c, i) => ({ urgency: 'high', startDelayMinutes: i * 5, contactMethod: c.label })),
    escalationPolicies: Array.from({ length: 10 }, (_, p) => ({
      name: `Policy ${p}`,
      repeatCount: 2,
      levels: [{ delayMinutes: 15, targets: [{ kind: 'me' }] }, { delayMinutes: 15, targets: contacts.slice(p, p + 3).map((c) => ({ kind: 'contact', contactMethod: c.label })) }],
    })),
    services: Array.from({ length: 50 }, (_, s) => ({ name: `Service ${s}`, escalationPolicy: `Policy ${s % 10}`, maintenanceWindows: [{ type: 'weekly', days: [0], start: '02:00', end: '03:00' }] })),
    monitors: Array.from({ length: 200 }, (_, m) => ({ name: `Monitor ${m}`, kind: 'tcp', service: `Service ${m % 50}`, config: { host: `host${m}.example.com`, port: 443 } })),
    channels: { sms: { provider: 'webhook', url: 'http://127.0.0.1:8080/sms' } },
    monitoring: { referenceTargets: [] },
  });
}

const bomb = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
].join('\n');

/** time runs fn RUNS times and gives the median in ms and what the last run answered (its error message, or "ok"). */
function time(fn: () => unknown): { ms: number; outcome: string } {
  const ms: number[] = [];
  let outcome = 'ok';
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    try {
      fn();
      outcome = 'ok';
    } catch (err) {
      outcome = err instanceof ApiError ? `400: ${err.message.slice(0, 70)}${err.message.length > 70 ? '…' : ''}` : `500: ${(err as Error).message.slice(0, 70)}`;
    }
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[Math.floor(ms.length / 2)]!, outcome };
}

const text = realistic();
const deep = '['.repeat(2_400_000) + ']'.repeat(2_400_000);
const rows: Array<[string, string, 'yaml' | 'json' | undefined]> = [
  ['alias bomb (9 levels of 9 aliases)', bomb, undefined],
  ['YAML, 2.4 million [ deep', deep, 'yaml'],
  ['JSON, 2.4 million [ deep', deep, 'json'],
  ['YAML map of 40,000 keys (the yaml package\'s own unique-key check: ~14 s)', Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n'), undefined],
  ['YAML list of 600,000 numbers (the largest YAML to read)', `x:\n${'  - 123\n'.repeat(600_000)}`, undefined],
  ['JSON list of 2.4 million numbers', `{"x": [${'0,'.repeat(2_400_000)}0]}`, undefined],
  ['realistic file: parse and validate', text, undefined],
];

const table: string[] = ['| file | size | time (ms, median) | answer |', '| --- | ---: | ---: | --- |'];
const kb = (chars: number) => (chars >= 1_000_000 ? `${(chars / 1_000_000).toFixed(1)} MB` : `${(chars / 1000).toFixed(1)} KB`);
for (const [name, file, format] of rows) {
  const r = time(() => parseConfig(file, format));
  table.push(`| ${name} | ${kb(file.length)} | ${r.ms.toFixed(1)} | ${r.outcome} |`);
}

const store = new Store(':memory:');
try {
  const first = time(() => importConfig(store, text));
  table.push(`| realistic file: import (replace all) | ${kb(text.length)} | ${first.ms.toFixed(1)} | ${first.outcome} |`);
  const changed = text.replaceAll('"port":443', '"port":8443').replace('127.0.0.1:8080', '127.0.0.1:9090');
  const preview = time(() => previewConfig(store, changed));
  table.push(`| realistic file: preview (200 monitors changed) | ${kb(changed.length)} | ${preview.ms.toFixed(1)} | ${preview.outcome} |`);
  const yaml = exportConfig(store, 'yaml');
  const yamlImport = time(() => importConfig(store, yaml));
  table.push(`| its YAML export: import | ${kb(yaml.length)} | ${yamlImport.ms.toFixed(1)} | ${yamlImport.outcome} |`);
} finally {
  store.close();
}

console.log(table.join('\n'));
console.log(`\nMedian of ${RUNS} runs each, in this process. Machine: ${process.platform} ${process.arch}, Node ${process.version}.`);
