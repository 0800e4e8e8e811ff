import { createHmac, hkdfSync } from 'node:crypto';
import os from 'node:os';

import type { KeySet } from '../../common/key-set';

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `pictures-graph/${purpose}`, 32));
}

/**
 * Keyed fingerprints of the set of subjects behind a count. The digest names a set without
 * revealing it (a keyed hash, so the ledger cannot be used to test guessed members), and the
 * noise is a function of the digest alone: the same set always gets the same noise, so
 * repeating or rewording a query and averaging the answers gains nothing. Both keys are
 * derived from the master secret (RFC 5869), so every cohort instance agrees on them.
 */
export class SetFingerprints {
  private readonly digestKey: Buffer;
  private readonly noiseKey: Buffer;

  constructor(masterSecret: Buffer) {
    this.digestKey = derive(masterSecret, 'cohort/set-digest');
    this.noiseKey = derive(masterSecret, 'cohort/noise');
  }

  /** 128-bit hex digest of a sorted key set. */
  digest(keys: KeySet): string {
    const bytes = Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);
    // Hash one byte order whatever the host's, so instances on any hardware agree.
    const littleEndian = os.endianness() === 'LE' ? bytes : Buffer.from(bytes).swap32();
    return createHmac('sha256', this.digestKey).update(littleEndian).digest('hex').slice(0, 32);
  }

  /** A whole number from -max to max, uniform, fixed by the digest. */
  noise(digest: string, max: number): number {
    if (max <= 0) {
      return 0;
    }
    const word = createHmac('sha256', this.noiseKey).update(digest).digest().readUInt32BE(0);
    // The modulo bias is below 2^-29 for any sensible max.
    return (word % (2 * max + 1)) - max;
  }
}
