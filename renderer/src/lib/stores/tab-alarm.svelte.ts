/**
 * TabAlarmState rings the browser tab when it is the pager: a high-urgency page plays the alarm (the
 * alert window's `alarm.wav`, looping) until every incident it rang for is acknowledged or resolved,
 * or the person mutes it; a low-urgency page never rings. The alarm settings of Settings (off, volume,
 * quiet hours) apply as in the alert window. A browser that refuses sound before a click leaves a
 * "Play the alarm" button. In the Electron window the shell's alert window rings instead: none of this.
 */
import { alarmFor } from '../../../../electron/shared/alarm.ts';
import type { ApiEvents } from '../../../../electron/shared/api.ts';
import type { Incident } from '../../../../electron/shared/schemas.ts';
import { call, hasBridge } from '../api-client.ts';

/** TabAlarmSound is what the alarm does now: silent, playing, refused by the browser until a click, muted by the person, or kept quiet by Settings. */
export type TabAlarmSound = 'off' | 'playing' | 'blocked' | 'muted' | 'quiet';

/** RingingIncident is an incident the alarm rings for, with its headline ("#12 Checkout returns 502"). */
export interface RingingIncident {
  id: number;
  title: string;
}

/** Ringing is a ringing incident with the count of rings before it (a read that started earlier cannot silence it). */
type Ringing = RingingIncident & { rang: number };

/** TabAlarmState holds what the alarm rings for and its sound. */
export class TabAlarmState {
  ringing = $state<Ringing[]>([]);
  sound = $state<TabAlarmSound>('off');
  /** quietWhy says why Settings keep the alarm silent now. */
  quietWhy = $state<string | null>(null);
  #audio: HTMLAudioElement | undefined;
  #rings = 0;

  /** attach gives the page's <audio> element (looping alarm.wav). */
  attach(audio: HTMLAudioElement): () => void {
    this.#audio = audio;
    if (this.ringing.length > 0 && this.sound !== 'muted') void this.#start();
    return () => {
      this.#silence();
      this.#audio = undefined;
    };
  }

  /** page takes a page to this tab (`notification.desktop`): high urgency rings, until acknowledged or muted. */
  page(n: ApiEvents['notification.desktop']): void {
    if (n.urgency !== 'high' || n.incidentId <= 0) return;
    this.ring([{ id: n.incidentId, title: n.title }]);
  }

  /** ring adds incidents to ring for (pages, or high-urgency pages that came while the tab was away); a new one rings even after a mute. */
  ring(incidents: RingingIncident[]): void {
    if (hasBridge()) return;
    const added = incidents.filter((i) => !this.ringing.some((r) => r.id === i.id));
    if (added.length === 0) return;
    this.#rings++;
    this.ringing = [...this.ringing, ...added.map((i) => ({ ...i, rang: this.#rings }))];
    void this.#start();
  }

  /** ringAway rings for the high-urgency incidents paged while the tab was away. */
  ringAway(incidents: Incident[]): void {
    this.ring(incidents.filter((i) => i.urgency === 'high' && i.status === 'triggered').map((i) => ({ id: i.id, title: `#${i.number} ${i.title}` })));
  }

  /** changed stops ringing for an incident once it is acknowledged or resolved (anywhere); silent once none is left. */
  changed(incident: Incident): void {
    if (incident.status !== 'triggered') this.#drop((r) => r.id === incident.id);
  }

  /** mark is taken before the tab reads the triggered incidents, for stillTriggered. */
  mark(): number {
    return this.#rings;
  }

  /**
   * stillTriggered keeps ringing only for incidents still triggered, as read after `mark` (on a
   * reconnect, or a burst of changes); what rang since the read began stays (the read may predate it).
   */
  stillTriggered(triggered: readonly number[], mark: number): void {
    this.#drop((r) => r.rang <= mark && !triggered.includes(r.id));
  }

  /** mute silences the alarm for the incidents ringing now. */
  mute = (): void => {
    this.#silence();
    this.sound = 'muted';
  };

  /** play starts the alarm after a click (the browser refused it without one). */
  play = (): Promise<void> => this.#start();

  #drop(gone: (r: Ringing) => boolean): void {
    const left = this.ringing.filter((r) => !gone(r));
    if (left.length === this.ringing.length) return;
    this.ringing = left;
    if (left.length === 0) {
      this.#silence();
      this.sound = 'off';
      this.quietWhy = null;
    }
  }

  async #start(): Promise<void> {
    const audio = this.#audio;
    if (!audio || this.ringing.length === 0) return;
    let alarm = alarmFor({ sound: true, volume: 80, quietHours: null }, Date.now());
    try {
      alarm = alarmFor((await call('desktop.settings', {})).alarm, Date.now());
    } catch {
      // Settings unreadable: ring at the default volume rather than stay silent.
    }
    if (this.ringing.length === 0) return;
    if (!alarm.plays) {
      this.#silence();
      this.quietWhy = alarm.why;
      this.sound = 'quiet';
      return;
    }
    audio.volume = alarm.volume;
    try {
      await audio.play();
      this.sound = this.ringing.length > 0 ? 'playing' : 'off';
      if (this.ringing.length === 0) this.#silence();
    } catch {
      this.sound = 'blocked';
    }
  }

  #silence(): void {
    if (!this.#audio) return;
    this.#audio.pause();
    this.#audio.currentTime = 0;
  }
}

/** tabAlarm is the tab's alarm. */
export const tabAlarm = new TabAlarmState();
