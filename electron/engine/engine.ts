/**
 * Engine is Standby without a user interface: the store, the incident engine and the API contract's
 * handlers. Both transports (Electron IPC and the headless HTTP server) call `call(method, input)`;
 * it validates the input against the contract's schema, runs the handler, and emits events.
 */
import { apiSchemas, isApiMethod, type ImportSummary, type ApiArgs, type ApiEvent, type ApiMethod, type ApiOutputs, type ServerInfo } from '../shared/api.ts';
import { ApiError, invalidInput } from '../shared/errors.ts';
import { computeAnalytics } from './analytics/mta-mtr.ts';
import type { Clock } from './clock.ts';
import { exportConfig, type ConfigFormat } from './config/config-file.ts';
import { previewConfig } from './config/config-preview.ts';
import { importWithCredentials } from './config/import-credentials.ts';
import { seedDefaults, addPhoneContacts } from './defaults.ts';
import { ChannelSetupWatch, channelProblems, contactTypesInUse } from './notify/channel-problems.ts';
import { setupHandlers, startSetup } from './setup.ts';
import { IncidentEngine } from './incidents/incident-engine.ts';
import { monitorHandlers } from './monitors/monitor-api.ts';
import { MonitorRunner, type MonitorRunnerOptions } from './monitors/runner.ts';
import { Inbound } from './inbound/inbound.ts';
import { notifyHandlers } from './notify/api-handlers.ts';
import { contactHandlers, moveStoredUrlCredentials } from './notify/contact-handlers.ts';
import { allSecretUses } from './notify/secret-uses.ts';
import { isStandbyRef } from './secrets/bindings.ts';
import { applyAnswer, type Answer, type AnswerOutcome } from './responders/answers.ts';
import { builtinResponders } from './responders/builtin.ts';
import { engineResponderContext, type ResponderContext } from './responders/context.ts';
import { Responders, type Responder } from './responders/responders.ts';
import { Pairing, type DeviceKind } from './pairing/pairing.ts';
import { deviceHandlers } from './pairing/device-handlers.ts';
import type { ChannelRegistry } from './notify/registry.ts';
import { Health } from './health.ts';
import { JsonText } from './json-text.ts';
import { InboundAddress } from './http/inbound-address.ts';
import type { DesktopRelay } from './notify/desktop-relay.ts';
import { checkReachability } from './notify/reachability.ts';
import { ConfigRepo } from './store/config-repo.ts';
import { Backups, backupHandlers, DEFAULT_KEEP_BACKUPS } from './store/backups.ts';
import { Store, type WalSync } from './store/database.ts';
import { StorageHealth } from './store/storage-health.ts';
import { guardTimers, throttledLog } from './timer-guard.ts';
import { IncidentRepo } from './store/incident-repo.ts';
import { secretStoreApiError } from './secrets/api-error.ts';
import { GuardedSecretStore } from './secrets/guarded-store.ts';
import { InstallationSecretStore } from './secrets/installation-store.ts';
import { migrateKeychain } from './keychain-migration.ts';
import { desktopSettingsHandlers } from './desktop-settings.ts';
import { remoteHandlersWithoutDesktop } from './remote/desktop-link.ts';
import { readInstallation } from './store/installation-repo.ts';
import { MemorySecretStore, SecretStoreError, type SecretStore } from './secrets/secret-store.ts';

/** EngineOptions wires an engine: where its database is, its clock and its channels. */
export interface EngineOptions {
  /** databasePath is a file path, or ':memory:' for tests. */
  databasePath: string;
  clock: Clock;
  channels: ChannelRegistry;
  log?: (line: string) => void;
  /** monitors tunes the monitor runner (tests, the benchmark); with no monitors configured it does nothing. */
  monitors?: MonitorRunnerOptions;
  /** responders builds the answer loops of two-way channels (default: every built-in one; tests pass their own). */
  responders?: (ctx: ResponderContext) => Responder[];
  /** secrets holds integration keys and channel tokens (default: in memory, gone at exit). */
  secrets?: SecretStore;
  /** stopGraceMs is how long stopping waits for sends in flight (default STOP_GRACE_MS; tests use 0). */
  stopGraceMs?: number;
  /** desktopRelay is the desktop port of a Standby without a desktop (headless): connected UIs confirm what they show. */
  desktopRelay?: DesktopRelay;
  /** secretTimeoutMs is how long one secret-store call may take (default 5 s; see GuardedSecretStore). */
  secretTimeoutMs?: number;
  /** keepBackups is how many daily backups to keep beside a database file (default 7; 0 turns daily backups off). */
  keepBackups?: number;
  /** walSync replaces the flush of the write-ahead log after a group commit (tests hold it; see WalFlusher). */
  walSync?: WalSync;
}

type Handlers = { [M in ApiMethod]: (args: ApiArgs<M>) => ApiOutputs[M] | JsonText | Promise<ApiOutputs[M] | JsonText> };

/** WAKES_RESPONDERS are the API methods after which the responders look again at once (a two-way channel may have just been set up). */
const WAKES_RESPONDERS = new Set<string>(['channels.update', 'channels.setSecret', 'secrets.set', 'contactMethods.create', 'contactMethods.update', 'contactMethods.setSecret', 'config.import']);

/** Engine serves the API contract over one database. */
export class Engine {
  readonly store: Store;
  readonly config: ConfigRepo;
  readonly incidents: IncidentRepo;
  readonly lifecycle: IncidentEngine;
  readonly clock: Clock;
  /** monitors runs the built-in monitors (HTTP, TCP, process, disk, DNS, TLS, heartbeat) and opens incidents from them. */
  readonly monitors: MonitorRunner;
  /** secrets is the secret store: entries named after this installation (so data directories never share one), behind a deadline per call; its failures are Health's `keychain` problem. */
  readonly secrets: InstallationSecretStore;
  /** inbound is the alert intake: integrations, their keys and rate limits, change events. */
  readonly inbound: Inbound;
  /** health is what Standby knows is wrong with itself (`/healthz`, `system.health`, the UI's banner). */
  readonly health: Health;
  /** inboundAddress is where alerts arrive over HTTP (reported by the listener) and the port setting: `system.info`, `system.setInboundPort`. */
  readonly inboundAddress: InboundAddress;
  /** desktopRelay is set headless: the event streams of connected UIs attach to it (see DesktopRelay). */
  readonly desktopRelay: DesktopRelay | undefined;
  /** responders read the person's answers from the phone (responders/). */
  readonly responders: Responders;
  /** pairing pairs devices (a desktop app, a browser) with this Standby, for an always-on box (pairing/). */
  readonly pairing: Pairing;
  /** storage keeps the `storage` health problem in step with the disk (full, read-only, damaged). */
  readonly storage: StorageHealth;
  /** backups takes the daily backup of a database file (undefined for an in-memory database). */
  readonly backups: Backups | undefined;
  /** channelSetup keeps the `channel_setup` warning current: rules that page through a channel that is not set up. */
  readonly channelSetup: ChannelSetupWatch;
  private serverInfo: ServerInfo = { url: null, publicUrls: [], lanAccess: false, tls: null };
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private readonly log: (line: string) => void;
  private readonly handlers: Handlers;

  constructor(opts: EngineOptions) {
    this.log = opts.log ?? (() => {});
    this.desktopRelay = opts.desktopRelay;
    // A timer's failure (a full disk under the scheduler) is logged and reported, never the end of the process.
    const timerLog = throttledLog(this.log, () => opts.clock.now());
    this.clock = guardTimers(opts.clock, (err) => timerLog(`a scheduled task failed: ${(this.store.explain(err) as Error).message}`));
    this.health = new Health({ clock: this.clock, emit: (data) => this.emit({ type: 'health.changed', data }), log: this.log });
    this.store = new Store(opts.databasePath, opts.walSync ? { walSync: opts.walSync } : {});
    this.inboundAddress = new InboundAddress({ store: this.store, health: this.health, emit: (e) => this.emit(e) });
    this.storage = new StorageHealth({ store: this.store, health: this.health, clock: this.clock });
    const keep = opts.keepBackups ?? DEFAULT_KEEP_BACKUPS;
    this.backups = opts.databasePath === ':memory:' || keep <= 0 ? undefined : new Backups({ databasePath: opts.databasePath, clock: this.clock, health: this.health, log: this.log, keep });
    this.config = new ConfigRepo(this.store);
    this.incidents = new IncidentRepo(this.store);
    const guarded = new GuardedSecretStore(opts.secrets ?? new MemorySecretStore(), {
      clock: opts.clock,
      timeoutMs: opts.secretTimeoutMs,
      onProblem: (message) => (message === null ? this.health.clear('keychain') : this.health.set('keychain', 'error', message)),
    });
    const installation = readInstallation(this.store);
    this.secrets = new InstallationSecretStore(guarded, {
      installationId: installation.id,
      clock: this.clock,
      migrate: installation.keychainMigration === 'pending' && !guarded.perProcess ? () => migrateKeychain({ store: this.store, secrets: this.secrets, now: () => this.clock.now(), log: this.log }) : undefined,
    });
    this.lifecycle = new IncidentEngine({
      store: this.store,
      config: this.config,
      incidents: this.incidents,
      clock: this.clock,
      channels: opts.channels,
      secrets: this.secrets,
      emit: (e) => this.emit(e),
      log: this.log,
      ...(opts.stopGraceMs !== undefined ? { stopGraceMs: opts.stopGraceMs } : {}),
    });
    this.responders = new Responders(
      {
        clock: this.clock,
        receipts: this.lifecycle.delivery.receipts,
        log: this.log,
        incident: (id) => this.incidents.find(id),
        offline: () => this.monitors.connectivity.state.online === false,
        closable: () => (this.store.prepare("SELECT DISTINCT r.incident_id AS id FROM page_receipts r JOIN incidents i ON i.id = r.incident_id WHERE r.closed_at IS NULL AND i.status != 'triggered'").all() as Array<{ id: number }>).map((r) => r.id),
      },
      (opts.responders ?? builtinResponders)(this.responderContext()),
    );
    this.lifecycle.delivery.answerable = (type) => this.responders.answerable(type);
    this.on((e) => void (e.type === 'incident.changed' && this.responders.incidentChanged(e.data.incident)));
    this.pairing = new Pairing(this.store, () => this.clock.now());
    this.inbound = new Inbound({ store: this.store, config: this.config, lifecycle: this.lifecycle, clock: this.clock, secrets: this.secrets, emit: (e) => this.emit(e), log: this.log });
    this.store.transaction(() => void (seedDefaults(this.config) && startSetup(this.store)));
    this.channelSetup = new ChannelSetupWatch({ config: this.config, settingsOf: (k) => this.lifecycle.delivery.settings.get(k), secrets: this.secrets }, this.health, this.log);
    this.monitors = new MonitorRunner({ store: this.store, clock: this.clock, lifecycle: this.lifecycle, emit: (e) => this.emit(e), log: this.log, woke: () => this.responders.wake() }, opts.monitors);
    this.handlers = this.buildHandlers();
  }

  /** start runs whatever fell due while Standby was not running, then keeps the schedule. */
  async start(): Promise<void> {
    // A data directory made before installation ids moves its keychain entries now; every secret call waits for it.
    void this.secrets.ready();
    this.bindSecrets();
    void moveStoredUrlCredentials({ config: this.config, bindings: this.lifecycle.delivery.bindings, secrets: this.secrets, clock: this.clock, log: this.log });
    checkReachability(this.config, this.health);
    void this.channelSetup.check();
    this.lifecycle.start();
    this.monitors.start();
    this.backups?.start();
    this.responders.start();
  }

  /**
   * bindSecrets binds the secrets stored before bindings existed, once, to where the configuration
   * sends them now. Secrets from environment variables are never entered through Standby: each is bound
   * at the first start that uses it, and STANDBY_REBIND_SECRETS=1 binds them all anew for one start
   * (after the person changed a destination on purpose).
   */
  private bindSecrets(): void {
    const bindings = this.lifecycle.delivery.bindings;
    const uses = allSecretUses(this.config.listContactMethods(), (k) => this.lifecycle.delivery.settings.get(k));
    const now = this.clock.now();
    if (!bindings.seeded()) return void bindings.seed(uses, now);
    if (!this.secrets.perProcess) return;
    if (process.env.STANDBY_REBIND_SECRETS === '1') {
      for (const ref of new Set(uses.map((u) => u.ref))) if (!isStandbyRef(ref)) bindings.bind(ref, uses.filter((u) => u.ref === ref).map((u) => u.destination), now);
      this.log('STANDBY_REBIND_SECRETS=1: every secret from the environment is bound to where the configuration sends it now');
      return;
    }
    bindings.add(uses.filter((u) => bindings.destinations(u.ref).length === 0), now);
  }

  /** responderContext is what the responders may use of the engine (responders/context.ts). */
  private responderContext(): ResponderContext {
    return engineResponderContext({ clock: this.clock, log: this.log, store: this.store, config: this.config, incidents: this.incidents, delivery: this.lifecycle.delivery, answer: (a, also) => this.answerFromPhone(a, also) });
  }

  /** pairDevice pairs a device with a one-time code (pairing/) and tells the open windows (`devices.changed`). */
  pairDevice(code: string, name: string, kind: DeviceKind): ReturnType<Pairing['pair']> {
    const paired = this.pairing.pair(code, name, kind);
    this.emit({ type: 'devices.changed', data: { deviceId: paired.device.id, revoked: false } });
    return paired;
  }

  /** devicesChanged tells the open windows that a device connected or disconnected (Settings → Paired devices). */
  devicesChanged(deviceId: number): void {
    this.emit({ type: 'devices.changed', data: { deviceId, revoked: false } });
  }

  /** answerFromPhone applies an answer from the phone (a button, a reply, a key pressed in a call), with `also` in its transaction. */
  answerFromPhone(a: Answer, also?: () => void): AnswerOutcome {
    return applyAnswer({ store: this.store, lifecycle: this.lifecycle, clock: this.clock, log: this.log }, a, also);
  }

  /** importConfig makes the configuration equal to a file (URL credentials moved to the keychain), all or nothing; the caller announces it. */
  importConfig(text: string, format?: ConfigFormat): Promise<ImportSummary> {
    return importWithCredentials({ store: this.store, secrets: this.secrets, bindings: this.lifecycle.delivery.bindings, now: () => this.clock.now() }, text, format);
  }

  /** stop ends the schedule and closes the database. */
  async stop(): Promise<void> {
    await this.responders.stop();
    await this.monitors.stop();
    await this.lifecycle.stop();
    await this.backups?.stop();
    this.store.close();
  }

  /** on subscribes to the engine's events; it returns the unsubscribe function. */
  on(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** call runs one API method with untrusted input: unknown methods and bad input are ApiErrors. With `raw`, an answer written as JSON text (JsonText) is answered as such. */
  async call(method: string, input: unknown, opts: { raw?: boolean } = {}): Promise<unknown> {
    if (!isApiMethod(method)) throw new ApiError('not_found', `no API method named "${method}"`);
    const parsed = apiSchemas[method].safeParse(input ?? {});
    if (!parsed.success) throw invalidInput(parsed.error, '', this.monitors.types.configIssues(method, input));
    const handler = this.handlers[method] as (args: unknown) => unknown;
    try {
      const result = await handler(parsed.data);
      // A channel just set up (its settings, its secret, a contact method) is listened to at once, not after the responders' idle wait.
      if (WAKES_RESPONDERS.has(method)) this.responders.wake();
      if (WAKES_RESPONDERS.has(method) || method === 'secrets.delete') void this.channelSetup.check();
      return result instanceof JsonText && !opts.raw ? JSON.parse(result.text) : result;
    } catch (err) {
      // A keychain that is locked or does not answer is the caller's 503, not a 500 "bug"; a full disk or a
      // damaged page answers with SQLite's reason and the file's name, and fails /healthz.
      throw err instanceof SecretStoreError ? secretStoreApiError(err) : this.store.explain(err);
    }
  }

  /** invoke is `call` with the contract's types, for code inside the process (the shell, tests). */
  async invoke<M extends ApiMethod>(method: M, input: ApiArgs<M> | Record<string, unknown>): Promise<ApiOutputs[M]> {
    return (await this.call(method, input)) as ApiOutputs[M];
  }

  /** serverInfoNow is where the HTTP server listens and its certificate, as `system.server` says. */
  serverInfoNow(): ServerInfo {
    return this.serverInfo;
  }

  /** setServerInfo records where the HTTP server listens (`system.server`). */
  setServerInfo(info: ServerInfo): void {
    this.serverInfo = info;
  }

  /** clearServerInfo forgets where the server listened once it stopped, unless another listener took over meanwhile (a port moved live). */
  clearServerInfo(info: ServerInfo): void {
    if (this.serverInfo === info) this.serverInfo = { url: null, publicUrls: [], lanAccess: false, tls: null };
  }

  /** publish sends an event to every subscriber (the desktop port uses it headless). */
  publish(e: ApiEvent): void {
    this.emit(e);
  }

  private emit(e: ApiEvent): void {
    // An event about a change in a transaction waits for its COMMIT (and is dropped if it rolls back).
    this.store.onCommit(() => this.deliver(e));
  }

  private deliver(e: ApiEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log(`event listener failed: ${(err as Error).message}`);
      }
    }
  }

  private changed(entity: 'profile' | 'contactMethods' | 'notificationRules' | 'escalationPolicies' | 'services' | 'all'): void {
    this.emit({ type: 'config.changed', data: { entity } });
    checkReachability(this.config, this.health);
    void this.channelSetup.check();
  }

  private write<T>(entity: Parameters<Engine['changed']>[0], fn: () => T): T {
    const result = this.store.transaction(fn);
    this.changed(entity);
    return result;
  }

  private buildHandlers(): Handlers {
    const c = this.config;
    const l = this.lifecycle;
    const deleted = { deleted: true } as const;
    return {
      'profile.get': () => c.getProfile(),
      'profile.update': (a) => this.write('profile', () => c.setProfile(a)),

      'contactMethods.list': () => c.listContactMethods(),
      'contactMethods.addPhone': (a) => {
        const added = this.write('contactMethods', () => addPhoneContacts(c, a));
        this.changed('notificationRules'); // the offer's rules too, so other windows show them
        return added;
      },
      'channels.problems': (a) => channelProblems({ config: c, settingsOf: (k) => l.delivery.settings.get(k), secrets: this.secrets }, a.contactTypes ?? contactTypesInUse(c)),
      ...setupHandlers(this.store, (e) => this.emit(e)),
      ...contactHandlers({ config: c, bindings: l.delivery.bindings, secrets: this.secrets, settingsOf: (k) => l.delivery.settings.get(k), clock: this.clock, write: (fn) => this.write('contactMethods', fn), log: this.log }),

      'notificationRules.list': () => c.listNotificationRules(),
      'notificationRules.create': (a) => this.write('notificationRules', () => c.createNotificationRule(a)),
      'notificationRules.update': (a) => this.write('notificationRules', () => c.updateNotificationRule(a.id, a.value)),
      'notificationRules.delete': (a) => this.write('notificationRules', () => (c.deleteNotificationRule(a.id), deleted)),

      'escalationPolicies.list': () => c.listEscalationPolicies(),
      'escalationPolicies.create': (a) => this.write('escalationPolicies', () => c.createEscalationPolicy(a)),
      'escalationPolicies.update': (a) => this.write('escalationPolicies', () => c.updateEscalationPolicy(a.id, a.value)),
      'escalationPolicies.delete': (a) => this.write('escalationPolicies', () => (c.deleteEscalationPolicy(a.id), deleted)),

      'services.list': () => c.listServices(),
      'services.create': (a) => this.write('services', () => c.createService(a)),
      'services.update': (a) => this.write('services', () => c.updateService(a.id, a.value)),
      'services.delete': (a) => this.write('services', () => {
        const used = this.monitors.repo.namesUsingService(a.id);
        if (used.length > 0) throw new ApiError('conflict', `service ${a.id} is watched by monitor(s) ${used.map((n) => `"${n}"`).join(', ')}; move or delete them first`);
        c.deleteService(a.id);
        return deleted;
      }),

      'incidents.list': (a) => this.incidents.list(a),
      'incidents.get': (a) => ({ ...this.incidents.get(a.id), timeline: this.incidents.timeline(a.id) }),
      'incidents.trigger': (a) => l.trigger(a, 'api'),
      'incidents.acknowledge': (a) => l.act(a.id, { type: 'acknowledge', actor: 'me' }),
      'incidents.resolve': (a) => l.act(a.id, { type: 'resolve', actor: 'me' }),
      'incidents.snooze': (a) => l.act(a.id, { type: 'snooze', until: this.clock.now() + a.minutes * 60_000, actor: 'me' }),
      'incidents.note': (a) => l.act(a.id, { type: 'note', text: a.text, actor: 'me' }),
      'incidents.escalate': (a) => l.act(a.id, { type: 'escalate', actor: 'me', ...(a.level !== undefined ? { level: a.level } : {}) }),
      'incidents.setUrgency': (a) => l.act(a.id, { type: 'set_urgency', urgency: a.urgency, actor: 'me' }),
      'incidents.reassign': (a) => {
        const cm = c.getContactMethod(a.contactMethodId);
        return l.act(a.id, { type: 'reassign', contactMethodId: cm.id, label: cm.label, actor: 'me' });
      },

      'analytics.summary': (a) => {
        if (a.serviceId !== undefined) c.getService(a.serviceId);
        return computeAnalytics(this.store.db, a, this.clock.now(), c.getProfile().timeZone);
      },

      'config.export': (a) => ({ format: a.format, text: exportConfig(this.store, a.format) }),
      'config.import': async (a) => {
        const summary = await this.importConfig(a.text, a.format);
        this.monitors.reload();
        this.changed('all');
        return summary;
      },
      'config.preview': (a) => previewConfig(this.store, a.text, a.format),

      'system.health': () => this.health.status(),
      'responders.status': () => this.responders.status(),
      ...deviceHandlers(this.pairing, () => this.serverInfo, (e) => this.emit(e)),
      'system.server': () => this.serverInfo,
      ...remoteHandlersWithoutDesktop(),
      ...this.inboundAddress.handlers(),
      ...desktopSettingsHandlers(this.store, (e) => this.emit(e)),
      'notifications.confirm': (a) => ({ confirmed: this.desktopRelay?.confirm(a.deliveryId) ?? false }),
      'notifications.confirmMany': (a) => ({ confirmed: a.deliveryIds.filter((id) => this.desktopRelay?.confirm(id) ?? false) }),
      ...backupHandlers(this.backups),
      ...this.inbound.handlers(),
      ...monitorHandlers(this.monitors, this.store, () => this.clock.now(), this.secrets, this.log),
      ...notifyHandlers({ store: this.store, config: c, delivery: l.delivery, secrets: this.secrets, clock: this.clock, log: this.log }),
    };
  }
}
