import { PGlite } from '@electric-sql/pglite';

import {
  decodeKeySet,
  EMPTY,
  encodeKeySet,
  INT4_KEY_OFFSET,
  keySetFromInt4Bytes,
} from '../../common/key-set';

/** What `string_agg(int4send(k - INT4_KEY_OFFSET), '')` returns for these keys. */
function int4Bytes(keys: number[]): Uint8Array {
  const bytes = Buffer.alloc(keys.length * 4);
  keys.forEach((key, i) => bytes.writeInt32BE(key - INT4_KEY_OFFSET, i * 4));
  return bytes;
}

describe('key sets', () => {
  it('should decode what it encodes, dense and sparse keys alike', () => {
    const keys = [0, 1, 2, 100_000, 100_001, 2 ** 31, 0xffffffff];
    expect([...decodeKeySet(encodeKeySet(keys))]).toEqual(keys);
  });

  it('should read keys aggregated by the database in order, across the whole 32 bits', () => {
    const keys = [0, 100_000, 100_003, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
    expect([...keySetFromInt4Bytes(int4Bytes(keys))]).toEqual(keys);
  });

  it('should sort and deduplicate keys that arrive out of order', () => {
    expect([...keySetFromInt4Bytes(int4Bytes([7, 3, 7, 5, 3]))]).toEqual([3, 5, 7]);
  });

  it('should deduplicate keys that arrive in order with repeats', () => {
    expect([...keySetFromInt4Bytes(int4Bytes([3, 3, 5, 7, 7, 7]))]).toEqual([3, 5, 7]);
  });

  it('should read a slice of a larger buffer at its own offset', () => {
    const whole = int4Bytes([9, 1, 2]);
    expect([...keySetFromInt4Bytes(whole.subarray(4))]).toEqual([1, 2]);
  });

  it('should take no value (an empty aggregate) as the empty set', () => {
    expect(keySetFromInt4Bytes(null)).toBe(EMPTY);
    expect(keySetFromInt4Bytes(new Uint8Array(0))).toBe(EMPTY);
  });

  it('should refuse a truncated value', () => {
    expect(() => keySetFromInt4Bytes(new Uint8Array(6))).toThrow(TypeError);
  });

  it('should read the bytes the matchers’ SQL aggregate makes', async () => {
    const db = await PGlite.create();
    try {
      const keys = [2 ** 32 - 1, 5, 100_000, 5, 2 ** 31];
      const { rows } = await db.query<{ keys: Uint8Array }>(
        `SELECT string_agg(int4send((k - ${INT4_KEY_OFFSET})::int4), ''::bytea) AS keys
         FROM unnest($1::int8[]) AS k`,
        [keys],
      );
      expect([...keySetFromInt4Bytes(rows[0].keys)]).toEqual([5, 100_000, 2 ** 31, 2 ** 32 - 1]);
    } finally {
      await db.close();
    }
  });
});
