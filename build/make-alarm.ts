/**
 * `node build/make-alarm.ts` writes the alert window's alarm sound, renderer/public/alarm.wav: two
 * beeps (880 Hz, then 660 Hz) and a pause, 1.2 s in all, which the page plays in a loop until the
 * person answers. Drawn in code like the icons (make-icons.ts): no sound file of unknown origin, and
 * the WAV is committed, so nothing runs this at build time. 16-bit PCM mono at 22050 Hz.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** RATE is the sample rate in Hz. */
const RATE = 22_050;

/** tone is `seconds` of a sine at `hz` with 10 ms fades (no clicks), or silence when hz is 0. */
function tone(hz: number, seconds: number): number[] {
  const n = Math.round(RATE * seconds);
  const fade = Math.round(RATE * 0.01);
  return Array.from({ length: n }, (_, i) => {
    if (hz === 0) return 0;
    const envelope = Math.min(1, i / fade, (n - 1 - i) / fade);
    return Math.sin((2 * Math.PI * hz * i) / RATE) * envelope * 0.8;
  });
}

/** wav encodes samples in -1..1 as a 16-bit mono WAV file. */
export function wav(samples: number[]): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32_767), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

if (import.meta.main) {
  const samples = [...tone(880, 0.25), ...tone(0, 0.1), ...tone(660, 0.25), ...tone(0, 0.6)];
  writeFileSync(join(import.meta.dirname, '../renderer/public/alarm.wav'), wav(samples));
}
