#!/usr/bin/env node
'use strict';
/**
 * Writes the two icons a Teams app manifest needs (Microsoft Learn, "App icons for Teams"): a 192×192
 * full-colour icon and a 32×32 outline icon that is white on a transparent background. Plain PNG
 * (RGBA, zlib) so no image tool is needed: `node infra/teams/make-icons.js`.
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png(size, pixel) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x += 1) row.set(pixel(x / size, y / size), 1 + x * 4);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
/** A key: ring at the top, shaft and two teeth below (u, v in 0..1). */
function isKey(u, v) {
  const dx = u - 0.5;
  const dy = v - 0.3;
  const r = Math.hypot(dx, dy);
  if (r <= 0.18 && r >= 0.09) return true;
  if (u >= 0.46 && u <= 0.54 && v >= 0.46 && v <= 0.86) return true;
  if (u >= 0.54 && u <= 0.66 && ((v >= 0.66 && v <= 0.72) || (v >= 0.78 && v <= 0.84))) return true;
  return false;
}
const here = __dirname;
fs.writeFileSync(path.join(here, 'color.png'), png(192, (u, v) => (isKey(u, v) ? [255, 255, 255, 255] : [43, 87, 154, 255])));
fs.writeFileSync(path.join(here, 'outline.png'), png(32, (u, v) => (isKey(u, v) ? [255, 255, 255, 255] : [0, 0, 0, 0])));
