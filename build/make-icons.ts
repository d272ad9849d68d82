/**
 * `node build/make-icons.ts` redraws Standby's icons as PNG files in build/: the app icon for
 * electron-builder (icon.png, 512x512) and the tray icons (16 px and 32 px for scale 2), plain and
 * "alert" (an incident is triggered). The shapes are drawn in code so the icons need no design tool;
 * the PNGs are committed, so nothing runs this at build time.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];
/** A shape answers, for a point in unit coordinates (0..1), its colour or undefined for transparent. */
type Shape = (x: number, y: number) => Rgb | undefined;

const CALM: Rgb = [37, 99, 235];
const ALERT: Rgb = [220, 38, 38];
const WHITE: Rgb = [255, 255, 255];
const GREY: Rgb = [107, 114, 128];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** png encodes RGBA pixels (row-major) as a PNG file (http://www.libpng.org/pub/png/spec/1.2/PNG-Chunks.html). */
function png(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** render samples a shape 4x4 times per pixel, so edges are smooth at 16 px too. */
function render(size: number, shape: Shape): Buffer {
  const n = 4;
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = shape((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a++;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
        out[i + 3] = Math.round((255 * a) / (n * n));
      }
    }
  }
  return png(size, out);
}

const inCircle = (x: number, y: number, cx: number, cy: number, r: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

/** calm is a blue disc with a white ring and dot: "on standby". */
const calm = (margin: number): Shape => (x, y) => {
  const r = 0.5 - margin;
  if (!inCircle(x, y, 0.5, 0.5, r)) return undefined;
  if (inCircle(x, y, 0.5, 0.5, r * 0.2)) return WHITE;
  if (inCircle(x, y, 0.5, 0.5, r * 0.62) && !inCircle(x, y, 0.5, 0.5, r * 0.44)) return WHITE;
  return CALM;
};

/** alert is a red disc with a white exclamation mark. */
const alert = (margin: number): Shape => (x, y) => {
  const r = 0.5 - margin;
  if (!inCircle(x, y, 0.5, 0.5, r)) return undefined;
  const bar = Math.abs(x - 0.5) <= r * 0.14 && y >= 0.5 - r * 0.62 && y <= 0.5 + r * 0.2;
  if (bar || inCircle(x, y, 0.5, 0.5 + r * 0.45, r * 0.15)) return WHITE;
  return ALERT;
};

/** disconnected is a grey ring crossed by a white bar: "not connected to the box". */
const disconnected = (margin: number): Shape => (x, y) => {
  const r = 0.5 - margin;
  if (!inCircle(x, y, 0.5, 0.5, r)) return undefined;
  if (Math.abs(y - 0.5) <= r * 0.16 && Math.abs(x - 0.5) <= r * 0.62) return WHITE;
  return GREY;
};

const dir = import.meta.dirname;
const files: Array<[string, number, Shape]> = [
  ['icon.png', 512, calm(0.06)],
  ['tray.png', 16, calm(0.02)],
  ['tray@2x.png', 32, calm(0.02)],
  ['tray-alert.png', 16, alert(0.02)],
  ['tray-alert@2x.png', 32, alert(0.02)],
  ['tray-disconnected.png', 16, disconnected(0.02)],
  ['tray-disconnected@2x.png', 32, disconnected(0.02)],
];
for (const [name, size, shape] of files) {
  writeFileSync(join(dir, name), render(size, shape));
  console.log(`wrote build/${name} (${size}x${size})`);
}
