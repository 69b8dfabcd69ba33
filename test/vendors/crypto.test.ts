/** The adapters' shared helpers: HMAC encodings, constant-time comparison, tolerant JSON reading. */
import { createHmac } from 'node:crypto';
import { firstPath, getPath, parseJsonObject, readId, readNumber, readPercent, readProgress, readString, readTime, safeJsonParse } from '../../lambda/core/json';
import { fromBase64, fromHex, hmacSha256Base64, hmacSha256Hex, matchesAnyKey, parseUnixSeconds, safeEqual, safeEqualStrings, withinTolerance } from '../../lambda/vendors/shared/crypto';

const expected = (key: string, data: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(data, 'utf8'));

describe('vendor crypto helpers', () => {
  it('computes HMAC-SHA256 over the parts in order, as hex and base64, keyed with the UTF-8 secret', () => {
    expect(hmacSha256Hex('whsec_ü', '17.', Buffer.from('{"a":1}'))).toBe(expected('whsec_ü', '17.{"a":1}').digest('hex'));
    expect(hmacSha256Base64('k', 'body')).toBe(expected('k', 'body').digest('base64'));
  });

  it('compares buffers in constant time, false (not a throw) for different lengths or two empty ones', () => {
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(false);
  });

  it('compares strings in constant time, false for different lengths, unicode handled, empty never equal', () => {
    expect(safeEqualStrings('ld_whk_1', 'ld_whk_1')).toBe(true);
    expect(safeEqualStrings('ld_whk_1', 'ld_whk_10')).toBe(false);
    expect(safeEqualStrings('clé', 'cle')).toBe(false);
    expect(safeEqualStrings('', '')).toBe(false);
  });

  it('matches a presented key against any of several keys, never an empty one', () => {
    expect(matchesAnyKey('k2', ['k1', 'k2'])).toBe(true);
    expect(matchesAnyKey('k3', ['k1', 'k2'])).toBe(false);
    expect(matchesAnyKey('', ['', 'k1'])).toBe(false);
  });

  it('decodes hex and base64 signatures, undefined for anything else', () => {
    expect(fromHex(' 0aFF ')).toEqual(Buffer.from([0x0a, 0xff]));
    expect(fromHex('abc')).toBeUndefined();
    expect(fromHex('zz')).toBeUndefined();
    expect(fromHex('')).toBeUndefined();
    expect(fromBase64('AQI=')).toEqual(Buffer.from([1, 2]));
    expect(fromBase64('-_8')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(fromBase64('not base64!')).toBeUndefined();
  });

  it('reads unix seconds strictly and judges tolerance both ways, inclusive', () => {
    expect(parseUnixSeconds(' 1712052052 ')).toBe(1712052052000);
    expect(parseUnixSeconds('1712052052.5')).toBeUndefined();
    expect(parseUnixSeconds('-1')).toBeUndefined();
    expect(parseUnixSeconds('9'.repeat(13))).toBeUndefined();
    expect(parseUnixSeconds(undefined)).toBeUndefined();
    expect(withinTolerance(0, 300_000, 300)).toBe(true);
    expect(withinTolerance(600_001, 300_000, 300)).toBe(false);
    expect(withinTolerance(0, 300_001, 300)).toBe(false);
  });

  it('parses JSON without throwing, and objects only with parseJsonObject', () => {
    expect(safeJsonParse('[1]')).toEqual([1]);
    expect(safeJsonParse('{')).toBeUndefined();
    expect(safeJsonParse(Buffer.from([0xff, 0xfe]))).toBeUndefined();
    expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonObject('[]')).toBeUndefined();
    expect(parseJsonObject('null')).toBeUndefined();
  });

  it('reads typed values from unknown JSON, null (or undefined for ids) when they do not fit', () => {
    expect(readString('x')).toBe('x');
    expect(readString('')).toBeNull();
    expect(readString(5)).toBeNull();
    expect(readNumber('12.5')).toBe(12.5);
    expect(readNumber(' ')).toBeNull();
    expect(readNumber(Infinity)).toBeNull();
    expect(readNumber('1e400')).toBeNull();
    expect(readId(48213)).toBe('48213');
    expect(readId(2 ** 64)).toBeUndefined();
    expect(readId('  ')).toBeUndefined();
    expect(readProgress(0.46)).toBe(0.46);
    expect(readProgress(46)).toBeNull();
    expect(readPercent(46)).toBe(0.46);
    expect(readPercent(101)).toBeNull();
    expect(readTime('2026-04-02T10:00:08.000Z')).toBe(Date.parse('2026-04-02T10:00:08.000Z'));
    expect(readTime('yesterday')).toBeNull();
  });

  it('gets values by dotted path, array indexes included, own properties only', () => {
    const root = { data: { items: [{ id: 7 }], empty: '' } };
    expect(getPath(root, 'data.items.0.id')).toBe(7);
    expect(getPath(root, 'data.missing.id')).toBeUndefined();
    expect(getPath(root, 'data.constructor')).toBeUndefined();
    expect(getPath(root, '__proto__')).toBeUndefined();
    expect(firstPath(root, ['data.empty', 'data.items.0.id'])).toBe(7);
    expect(firstPath(root, ['nope'])).toBeUndefined();
  });
});
