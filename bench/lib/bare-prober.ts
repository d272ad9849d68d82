/**
 * The floor the monitors benchmark measures Standby against: a bare Node `http.request` prober with
 * no framework, no storage and no judgement. It checks `n` URLs every `intervalMs`, first checks
 * spread evenly over the first interval, each on a fresh connection (as Standby's HTTP checks are, so
 * the DNS and TCP phases are real), reads the body and times the request with performance.now().
 * Whatever Standby costs beyond this is the price of everything that is not the request itself.
 */
import { Agent, request } from 'node:http';

/** BareProber runs the bare checks until stop(). */
export interface BareProber {
  /** checks is how many requests have finished (answered or failed). */
  checks(): number;
  /** failures is how many requests failed or answered other than 200. */
  failures(): number;
  /** takeLateness returns (and forgets) how late each check started, in ms. */
  takeLateness(): number[];
  stop(): void;
}

/** startBareProber starts n checks of url, each every intervalMs, spread over the first interval. */
export function startBareProber(url: string, n: number, intervalMs: number): BareProber {
  const agent = new Agent({ keepAlive: false });
  const target = new URL(url);
  let checks = 0;
  let failures = 0;
  let lateness: number[] = [];
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const probe = (dueAt: number) => {
    lateness.push(Date.now() - dueAt);
    const started = performance.now();
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, agent, headers: { 'user-agent': 'bare prober' } }, (res) => {
      res.resume();
      res.on('end', () => {
        checks++;
        if (res.statusCode !== 200) failures++;
        void (performance.now() - started);
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      checks++;
      failures++;
    });
    req.end();
  };
  const plan = (dueAt: number) => {
    if (stopped) return;
    const t = setTimeout(() => {
      timers.delete(t);
      probe(dueAt);
      plan(dueAt + intervalMs);
    }, Math.max(0, dueAt - Date.now()));
    timers.add(t);
  };
  const start = Date.now();
  for (let i = 0; i < n; i++) plan(start + Math.floor((i * intervalMs) / n));
  return {
    checks: () => checks,
    failures: () => failures,
    takeLateness: () => {
      const l = lateness;
      lateness = [];
      return l;
    },
    stop: () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      agent.destroy();
    },
  };
}
