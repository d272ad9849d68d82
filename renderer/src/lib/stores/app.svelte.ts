/**
 * AppState starts the window: it finds the transport (the Electron bridge, or HTTP with the token
 * from the URL), opens the one event stream and hands each event to the stores that care.
 * Without a token or a paired browser's cookie (or with one the server rejects) the window shows the
 * pairing page, and how to use the access link instead.
 */
import type { ApiEvent } from '../../../../electron/shared/api.ts';
import { hasBridge, subscribe, UNAUTHORIZED_EVENT, type ConnectionStatus } from '../api-client.ts';
import { adoptTokenFromUrl, forgetPairing, forgetToken, pairedBrowser } from '../session.ts';
import { analytics } from './analytics.svelte.ts';
import { channels } from './channels.svelte.ts';
import { config, type ConfigEntity } from './config.svelte.ts';
import { devices } from './devices.svelte.ts';
import { deliveryBudget } from './delivery-budget.svelte.ts';
import { health } from './health.svelte.ts';
import { setupGuide } from './setup.svelte.ts';
import { inbound } from './inbound.svelte.ts';
import { incidentDetail } from './incident-detail.svelte.ts';
import { incidents } from './incidents.svelte.ts';
import { integrations } from './integrations.svelte.ts';
import { monitorDetail } from './monitor-detail.svelte.ts';
import { monitoring } from './monitoring.svelte.ts';
import { monitors } from './monitors.svelte.ts';
import { nav, parseRoute } from './nav.svelte.ts';
import { notifications } from './notifications.svelte.ts';
import { pager } from './pager.svelte.ts';
import { remote } from './remote.svelte.ts';

/**
 * REST_AFTER_MS is the longest the start-up reads outside the view on screen wait for the view's own
 * (a slow answer must not hold back the banners that say Standby cannot page).
 */
export const REST_AFTER_MS = 1000;

/** AppMode is what the window can show: the UI, or the "no token" screen. */
export type AppMode = 'ready' | 'no-token' | 'token-rejected';

/** AppState holds the window's mode and the event stream's status. */
export class AppState {
  mode = $state<AppMode>('ready');
  connection = $state<ConnectionStatus>('connecting');

  /** start reads the token, loads everything and follows events; it returns the function that stops it. */
  start(): () => void {
    if (!hasBridge()) {
      // A URL with a new token pasted into this tab only changes the hash: take it and start afresh.
      const onHash = (): void => {
        if (/[#&]token=/.test(window.location.hash) && adoptTokenFromUrl() !== null) window.location.reload();
      };
      window.addEventListener('hashchange', onHash);
      // Without a token, a browser paired with a code uses its cookie; any other shows the pairing page.
      if (adoptTokenFromUrl() === null && !pairedBrowser()) {
        this.mode = 'no-token';
        return () => window.removeEventListener('hashchange', onHash);
      }
      const stopHttp = this.#follow();
      return () => {
        window.removeEventListener('hashchange', onHash);
        stopHttp();
      };
    }
    return this.#follow();
  }

  #follow(): () => void {
    const onUnauthorized = (): void => {
      forgetToken();
      forgetPairing();
      this.mode = 'token-rejected';
      stop();
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    const stop = subscribe({
      event: (e) => this.#dispatch(e),
      resync: () => {
        this.#reloadAll();
        pager.reconnected();
      },
      status: (s) => (this.connection = s),
    });
    this.#reloadAll();
    pager.start((id) => nav.openIncident(id));
    return () => {
      window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
      stop();
    };
  }

  /**
   * #reloadAll reads everything the window shows. The reads of the view on screen go first and the
   * rest (the banners, the navigation's counts, the other views' data) once their answers are in (at
   * most REST_AFTER_MS later): a browser runs six requests to a host at a time and the engine answers
   * one at a time, so behind the 17 start-up reads the view's own answer came last (analytics over
   * 10,000 incidents: asked for at 177 ms, answered at 340 ms for 40 ms of the engine's work;
   * bench/ui.bench.ts). After a reconnect it is the same, with what is already shown kept meanwhile.
   */
  #reloadAll(): void {
    const route = parseRoute(window.location.hash);
    const first: Array<Promise<unknown>> = [];
    const configRead: ConfigEntity[] = [];
    let monitorsRead = false;
    if (route.view === 'monitors' && route.monitorId === undefined) {
      // The list (its rows' uptime asked for with it, their last checks after that) and the services its rows name.
      monitors.opening();
      first.push(monitors.load(), config.load('services'));
      configRead.push('services');
      monitorsRead = true;
    } else if (route.view === 'incidents') {
      first.push(incidents.load(), incidentDetail.reload());
    } else if (route.view === 'analytics') {
      first.push(analytics.open());
    }
    const rest = (): void => {
      void config.load('all', configRead);
      if (route.view !== 'incidents') {
        void incidents.load();
        void incidentDetail.reload();
      }
      if (route.view !== 'analytics') analytics.invalidate();
      if (!monitorsRead) void monitors.load();
      void monitoring.load();
      void monitorDetail.reload();
      void deliveryBudget.load();
      void health.load();
      void setupGuide.load();
      void inbound.load();
      void integrations.open(integrations.serviceId);
      void remote.load();
    };
    if (first.length === 0) {
      rest();
      return;
    }
    const capped = new Promise((resolve) => setTimeout(resolve, REST_AFTER_MS));
    void Promise.race([Promise.allSettled(first), capped]).then(() => setTimeout(rest, 0));
  }

  #dispatch(e: ApiEvent): void {
    switch (e.type) {
      case 'incident.changed':
        incidents.handle(e);
        incidentDetail.handle(e);
        analytics.invalidate();
        pager.changed(e.data.incident);
        if (e.data.incident.status !== 'triggered') notifications.forgetIncident(e.data.incident.id);
        return;
      case 'incident.timeline':
        // Only the open incident's timeline shows it: its lists, counts and analytics are unchanged.
        incidentDetail.handle(e);
        return;
      case 'config.changed':
        config.handle(e.data.entity);
        incidents.handle(e);
        if (e.data.entity === 'all') {
          // An import replaces monitors and channel settings too.
          void monitors.load();
          if (channels.loaded) void channels.load();
        }
        return;
      case 'notification.desktop':
        notifications.show(e.data);
        pager.notify(e.data);
        return;
      case 'monitor.changed':
        monitors.put(e.data.monitor);
        monitorDetail.changed(e.data.monitor);
        return;
      case 'monitor.checks':
        monitors.checked(e.data);
        monitorDetail.checked(e.data);
        return;
      case 'monitor.deleted':
        monitors.drop(e.data.id);
        return;
      case 'monitoring.changed':
        monitoring.set(e.data);
        return;
      case 'health.changed':
        health.set(e.data);
        return;
      case 'inbound.changed':
        inbound.set(e.data);
        return;
      case 'delivery.budget':
        deliveryBudget.handle(e.data);
        return;
      case 'integrations.changed':
        integrations.handleIntegrations(e.data.serviceId);
        return;
      case 'changeEvent.recorded':
        integrations.handleChangeEvent(e.data.changeEvent);
        return;
      case 'setup.changed':
        setupGuide.progress = e.data;
        return;
      case 'devices.changed':
        if (devices.list) void devices.load();
        return;
      case 'remote.changed':
        remote.set(e.data);
        return;
    }
  }
}

/** app is the window. */
export const app = new AppState();
