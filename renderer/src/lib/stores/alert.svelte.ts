/**
 * AlertState is the alert window's page: one incident, the person's answer (Acknowledge, Resolve,
 * Snooze), and the alarm sound, which plays in a loop from the moment the incident is shown until it
 * is answered, hidden, or no longer triggered.
 */
import { alarmFor, type Alarm } from '../../../../electron/shared/alarm.ts';
import type { Incident } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';

/** SNOOZE_CHOICES match the tray's (electron/main/tray-model.ts): 30 minutes, 1 hour, 4 hours. */
export const SNOOZE_CHOICES: ReadonlyArray<{ label: string; minutes: number }> = [
  { label: '30 min', minutes: 30 },
  { label: '1 h', minutes: 60 },
  { label: '4 h', minutes: 240 },
];

/** SoundState says whether the alarm plays: `blocked` when the browser refused to play without a click, `quiet` when Settings keep it silent now. */
export type SoundState = 'off' | 'playing' | 'blocked' | 'quiet';

/** AlertState holds the incident, the last error, the answer given and the sound. */
export class AlertState {
  incident = $state<Incident | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  /** answered says what the person did: the page then stops the sound and asks the window to close. */
  answered = $state<string | null>(null);
  sound = $state<SoundState>('off');
  /** alarm is what Settings say about the sound now (volume, off, quiet hours). */
  alarm = $state<Alarm>({ plays: true, volume: 0.8 });
  #audio: HTMLAudioElement | undefined;

  /** load reads the incident; the sound starts only while it is triggered. */
  load = async (id: number): Promise<void> => {
    try {
      const [{ timeline: _timeline, ...incident }, settings] = await Promise.all([call('incidents.get', { id }), call('desktop.settings', {})]);
      this.alarm = alarmFor(settings.alarm, Date.now());
      this.incident = incident;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  };

  /** attach gives the page's <audio> element; the alarm starts when the incident is triggered. */
  attach(audio: HTMLAudioElement): void {
    this.#audio = audio;
  }

  /** play starts the alarm (or marks it blocked until a click). */
  play = async (): Promise<void> => {
    const audio = this.#audio;
    if (!audio || this.answered !== null || this.incident?.status !== 'triggered') return;
    if (!this.alarm.plays) {
      this.sound = 'quiet';
      return;
    }
    audio.volume = this.alarm.volume;
    try {
      await audio.play();
      this.sound = 'playing';
    } catch {
      this.sound = 'blocked';
    }
  };

  /** stop silences the alarm. */
  stop(): void {
    this.#audio?.pause();
    if (this.#audio) this.#audio.currentTime = 0;
    this.sound = 'off';
  }

  acknowledge = (): Promise<void> => this.#answer('acknowledged', (id) => call('incidents.acknowledge', { id }));
  resolve = (): Promise<void> => this.#answer('resolved', (id) => call('incidents.resolve', { id }));
  /** snooze acknowledges a triggered incident first: the engine snoozes only acknowledged ones. */
  snooze = (minutes: number): Promise<void> =>
    this.#answer(`snoozed for ${minutes} minutes`, async (id) => {
      if (this.incident?.status === 'triggered') await call('incidents.acknowledge', { id });
      return call('incidents.snooze', { id, minutes });
    });

  /** hide silences the alarm and closes the window without answering: the incident stays triggered and escalates. */
  hide = (): void => {
    this.stop();
    window.close();
  };

  async #answer(what: string, act: (id: number) => Promise<Incident>): Promise<void> {
    const id = this.incident?.id;
    if (id === undefined || this.busy) return;
    this.busy = true;
    try {
      this.incident = await act(id);
      this.answered = what;
      this.error = null;
      this.stop();
      window.close();
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}

/** alertPage is the alert window's state. */
export const alertPage = new AlertState();
