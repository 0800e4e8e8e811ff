import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

/** The kinds of identifier that are released per project. */
export type PseudonymKind = 'subject' | 'study' | 'series' | 'instance';

const TAGS: Record<PseudonymKind, number> = { subject: 1, study: 2, series: 3, instance: 4 };
const MAGIC = 0x70677269; // "pgri": marks a block as one of ours before the kind tag.

/**
 * Per-project pseudonyms: a keyed pseudorandom permutation (AES-128 on one block) of an
 * internal integer id, with a key derived per project from the master secret (HKDF, RFC
 * 5869). Only a holder of the master secret can map a release ID back, and two projects'
 * IDs for the same record share nothing.
 *
 * Block layout before encryption: magic (4 bytes), kind tag (4 bytes), id (8 bytes).
 */
export class Pseudonymiser {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly masterSecret: Buffer) {
    if (masterSecret.length < 32) {
      throw new TypeError(
        `The master secret must be at least 32 bytes, got ${masterSecret.length}`,
      );
    }
  }

  /** The release ID a project sees for a linkage key: 32 lowercase hexadecimal digits. */
  releaseId(project: string, linkageKey: number): string {
    return this.encrypt(project, 'subject', linkageKey).toString('hex');
  }

  /** The linkage key behind a release ID of this project, or null when it is not one. */
  linkageKey(project: string, releaseId: string): number | null {
    if (!/^[0-9a-f]{32}$/.test(releaseId)) {
      return null;
    }
    return this.decrypt(project, 'subject', Buffer.from(releaseId, 'hex'));
  }

  /** A remapped DICOM UID (PS3.5 §B.2: a UUID-derived `2.25.<decimal>` form). */
  uid(project: string, kind: Exclude<PseudonymKind, 'subject'>, id: number): string {
    return `2.25.${BigInt(`0x${this.encrypt(project, kind, id).toString('hex')}`).toString()}`;
  }

  /** The internal id behind a remapped UID of this project and kind, or null. */
  uidToId(project: string, kind: Exclude<PseudonymKind, 'subject'>, uid: string): number | null {
    const match = /^2\.25\.(\d{1,39})$/.exec(uid);
    if (!match) {
      return null;
    }
    const value = BigInt(match[1]);
    if (value >= 1n << 128n) {
      return null;
    }
    return this.decrypt(project, kind, Buffer.from(value.toString(16).padStart(32, '0'), 'hex'));
  }

  /** `releaseId` of many keys at once (one cipher for all: ECB encrypts blocks apart). */
  releaseIds(project: string, linkageKeys: readonly number[]): string[] {
    const encrypted = this.encryptMany(project, 'subject', linkageKeys);
    return linkageKeys.map((_, i) => encrypted.toString('hex', i * 16, i * 16 + 16));
  }

  /** `uid` of many ids at once. */
  uids(project: string, kind: Exclude<PseudonymKind, 'subject'>, ids: readonly number[]): string[] {
    const encrypted = this.encryptMany(project, kind, ids);
    return ids.map(
      (_, i) => `2.25.${BigInt(`0x${encrypted.toString('hex', i * 16, i * 16 + 16)}`).toString()}`,
    );
  }

  private encryptMany(project: string, kind: PseudonymKind, ids: readonly number[]): Buffer {
    const blocks = Buffer.alloc(ids.length * 16);
    ids.forEach((id, i) => {
      if (!Number.isSafeInteger(id) || id < 0) {
        throw new TypeError(`An internal id must be a non-negative safe integer, got ${id}`);
      }
      blocks.writeUInt32BE(MAGIC, i * 16);
      blocks.writeUInt32BE(TAGS[kind], i * 16 + 4);
      blocks.writeBigUInt64BE(BigInt(id), i * 16 + 8);
    });
    const cipher = createCipheriv('aes-128-ecb', this.key(project), null).setAutoPadding(false);
    return Buffer.concat([cipher.update(blocks), cipher.final()]);
  }

  private encrypt(project: string, kind: PseudonymKind, id: number): Buffer {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new TypeError(`An internal id must be a non-negative safe integer, got ${id}`);
    }
    const block = Buffer.alloc(16);
    block.writeUInt32BE(MAGIC, 0);
    block.writeUInt32BE(TAGS[kind], 4);
    block.writeBigUInt64BE(BigInt(id), 8);
    const cipher = createCipheriv('aes-128-ecb', this.key(project), null).setAutoPadding(false);
    return Buffer.concat([cipher.update(block), cipher.final()]);
  }

  private decrypt(project: string, kind: PseudonymKind, encrypted: Buffer): number | null {
    const decipher = createDecipheriv('aes-128-ecb', this.key(project), null).setAutoPadding(false);
    const block = Buffer.concat([decipher.update(encrypted), decipher.final()]);
    if (block.readUInt32BE(0) !== MAGIC || block.readUInt32BE(4) !== TAGS[kind]) {
      return null;
    }
    const id = block.readBigUInt64BE(8);
    return id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : null;
  }

  private key(project: string): Buffer {
    let key = this.keys.get(project);
    if (!key) {
      key = Buffer.from(
        hkdfSync('sha256', this.masterSecret, 'pictures-graph', `ids:${project}`, 16),
      );
      this.keys.set(project, key);
    }
    return key;
  }
}
