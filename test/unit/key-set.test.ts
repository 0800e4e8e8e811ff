import { decodeKeySet, EMPTY, encodeKeySet, keySetFromInt8Bytes } from '../../common/key-set';

/** What PostgreSQL's `string_agg(int8send(k), '')` returns for these keys. */
function int8Bytes(keys: Array<number | bigint>): Uint8Array {
  const bytes = Buffer.alloc(keys.length * 8);
  keys.forEach((key, i) => bytes.writeBigInt64BE(BigInt(key), i * 8));
  return bytes;
}

describe('key sets', () => {
  it('should decode what it encodes, dense and sparse keys alike', () => {
    const keys = [0, 1, 2, 100_000, 100_001, 2 ** 31, 0xffffffff];
    expect([...decodeKeySet(encodeKeySet(keys))]).toEqual(keys);
  });

  it('should read keys aggregated by the database in order', () => {
    const keys = [100_000, 100_003, 250_000, 2 ** 32 - 1];
    expect([...keySetFromInt8Bytes(int8Bytes(keys))]).toEqual(keys);
  });

  it('should sort and deduplicate keys that arrive out of order', () => {
    expect([...keySetFromInt8Bytes(int8Bytes([7, 3, 7, 5, 3]))]).toEqual([3, 5, 7]);
  });

  it('should deduplicate keys that arrive in order with repeats', () => {
    expect([...keySetFromInt8Bytes(int8Bytes([3, 3, 5, 7, 7, 7]))]).toEqual([3, 5, 7]);
  });

  it('should read a slice of a larger buffer at its own offset', () => {
    const whole = int8Bytes([9, 1, 2]);
    expect([...keySetFromInt8Bytes(whole.subarray(8))]).toEqual([1, 2]);
  });

  it('should take no value (an empty aggregate) as the empty set', () => {
    expect(keySetFromInt8Bytes(null)).toBe(EMPTY);
    expect(keySetFromInt8Bytes(new Uint8Array(0))).toBe(EMPTY);
  });

  it('should refuse keys beyond 32 bits and truncated values', () => {
    expect(() => keySetFromInt8Bytes(int8Bytes([2n ** 32n]))).toThrow(TypeError);
    expect(() => keySetFromInt8Bytes(int8Bytes([-1]))).toThrow(TypeError);
    expect(() => keySetFromInt8Bytes(new Uint8Array(12))).toThrow(TypeError);
  });
});
