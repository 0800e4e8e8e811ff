/**
 * Sets of linkage keys as they travel between a site's matcher and the cohort service:
 * strictly increasing unsigned integers, delta-encoded as LEB128 varints, then base64.
 * Dense keys cost one or two bytes each, against ~10 for a JSON list of numbers.
 */
export type KeySet = Uint32Array;

export const EMPTY: KeySet = new Uint32Array(0);

/** Encodes a strictly increasing key list; a `TypeError` if it is not one. */
export function encodeKeySet(keys: ArrayLike<number>): string {
  const bytes = new Uint8Array(keys.length * 5);
  let length = 0;
  let previous = -1;
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i];
    if (!Number.isInteger(key) || key <= previous || key > 0xffffffff) {
      throw new TypeError(`Keys must be strictly increasing 32-bit integers; at ${i} got ${key}`);
    }
    let delta = key - previous - 1;
    previous = key;
    while (delta >= 0x80) {
      bytes[length++] = (delta & 0x7f) | 0x80;
      delta = Math.floor(delta / 0x80);
    }
    bytes[length++] = delta;
  }
  return Buffer.from(bytes.buffer, 0, length).toString('base64');
}

/** Decodes `encodeKeySet`'s output; a `TypeError` for anything malformed. */
export function decodeKeySet(encoded: string): KeySet {
  const bytes = Buffer.from(encoded, 'base64');
  const keys = new Uint32Array(bytes.length);
  let count = 0;
  let previous = -1;
  let delta = 0;
  let scale = 1;
  for (const byte of bytes) {
    delta += (byte & 0x7f) * scale;
    if (byte & 0x80) {
      scale *= 0x80;
      if (scale > 0x80 ** 5) {
        throw new TypeError('A key set holds a varint longer than five bytes');
      }
      continue;
    }
    previous += delta + 1;
    if (previous > 0xffffffff) {
      throw new TypeError('A key set holds a key beyond 32 bits');
    }
    keys[count++] = previous;
    delta = 0;
    scale = 1;
  }
  if (scale !== 1) {
    throw new TypeError('A key set ends inside a varint');
  }
  return keys.slice(0, count);
}

/** What a matcher subtracts from each key so that any 32-bit key fits PostgreSQL's int4. */
export const INT4_KEY_OFFSET = 0x80000000;

/**
 * Keys as a matcher's `string_agg(int4send(k - INT4_KEY_OFFSET))` returns them, end to end
 * (4 bytes each, big-endian): one value to parse instead of a row per key. They may come in
 * any order and repeat; they are sorted here, in the site's process, which costs less than
 * a DISTINCT and an ORDER BY in the database.
 */
export function keySetFromInt4Bytes(bytes: Uint8Array | null): KeySet {
  if (!bytes || bytes.length === 0) {
    return EMPTY;
  }
  if (bytes.length % 4 !== 0) {
    throw new TypeError(`Expected 4 bytes a key, got ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keys = new Uint32Array(bytes.length / 4);
  let ordered = true;
  for (let i = 0; i < keys.length; i += 1) {
    // Adding the offset back is flipping the top bit.
    keys[i] = (view.getUint32(i * 4) ^ INT4_KEY_OFFSET) >>> 0;
    ordered &&= i === 0 || keys[i] >= keys[i - 1];
  }
  // A typed array sorts numerically.
  return unique(ordered ? keys : keys.sort());
}

/** The distinct keys of a sorted array, in place. */
function unique(sorted: KeySet): KeySet {
  let n = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    if (n === 0 || sorted[i] !== sorted[n - 1]) {
      sorted[n++] = sorted[i];
    }
  }
  return n === sorted.length ? sorted : sorted.slice(0, n);
}

/** Keys in both sets (merge of two sorted arrays). */
export function intersect(a: KeySet, b: KeySet): KeySet {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) {
      i += 1;
    } else if (a[i] > b[j]) {
      j += 1;
    } else {
      out[n++] = a[i];
      i += 1;
      j += 1;
    }
  }
  return out.slice(0, n);
}

/** Keys in either set. */
export function union(a: KeySet, b: KeySet): KeySet {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) {
      out[n++] = a[i++];
    } else if (i >= a.length || b[j] < a[i]) {
      out[n++] = b[j++];
    } else {
      out[n++] = a[i];
      i += 1;
      j += 1;
    }
  }
  return out.slice(0, n);
}

/** Keys in `a` and not in `b`. */
export function difference(a: KeySet, b: KeySet): KeySet {
  const out = new Uint32Array(a.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 1) {
    while (j < b.length && b[j] < a[i]) {
      j += 1;
    }
    if (j >= b.length || b[j] !== a[i]) {
      out[n++] = a[i];
    }
  }
  return out.slice(0, n);
}
