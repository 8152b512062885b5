/**
 * The codec workloads of `npm run bench` (issue 3): `a` and `d3` with the zlib compressor
 * alone, and with the compressor and each AES-GCM cipher, beside same-run bare loops whose
 * only extra work per event is the codec calls: fflate, then the cipher engine, with the
 * original's nonce, tag, ciphertext layout.
 *
 * @module
 */
import { gcm } from '@noble/ciphers/aes.js';
import { unzlibSync, zlibSync } from 'fflate';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { NobleAesGcmCipher } from '../../src/cipher/noble.js';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { fromBase64, type ApplicationConfig } from '../../src/index.js';
import type { Workload } from '../harness.js';
import { createAndSave, selectAndDecode } from './core.js';
import { rawDecode, rawInserts, type ByteStep } from './raw.js';

/** The Python original (9.0, in memory) with its ZlibCompressor and AESCipher. */
const PYTHON_A_ZLIB_AES = 16_900;
const PYTHON_D3_ZLIB_AES = 70_000;

const KEY = AesGcmCipher.createKey(32);

/** The bare codec calls of one kind: what a run does per event on the way in and out. */
interface BareCodec {
  readonly encode: ByteStep;
  readonly decode: ByteStep;
}

/**
 * fflate as the compressor calls it: events under 128 bytes stored (level 0), larger ones at
 * level 6; inflated into one reused buffer, then copied out.
 */
function bareZlib(): BareCodec {
  const scratch = new Uint8Array(64 * 1024);
  return {
    encode: (data) => zlibSync(data, { level: data.length < 128 ? 0 : 6 }),
    decode: (data) => unzlibSync(data, { out: scratch }).slice(),
  };
}

/** Puts an engine's ciphertext and tag behind the nonce, tag first. */
function layout(nonce: Uint8Array, sealed: Uint8Array): Uint8Array {
  const out = new Uint8Array(sealed.length + 12);
  out.set(nonce);
  out.set(sealed.subarray(sealed.length - 16), 12);
  out.set(sealed.subarray(0, sealed.length - 16), 28);
  return out;
}

/** Splits the layout into the nonce and the engine's ciphertext then tag. */
function unlayout(data: Uint8Array): { nonce: Uint8Array<ArrayBuffer>; sealed: Uint8Array<ArrayBuffer> } {
  const sealed = new Uint8Array(data.length - 12);
  sealed.set(data.subarray(28));
  sealed.set(data.subarray(12, 28), data.length - 28);
  return { nonce: data.slice(0, 12), sealed };
}

/** WebCrypto AES-GCM with a key imported once, a getRandomValues nonce per call. */
function bareWebCrypto(): BareCodec {
  let key: Promise<CryptoKey> | undefined;
  const imported = (): Promise<CryptoKey> =>
    (key ??= crypto.subtle.importKey('raw', fromBase64(KEY) as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]));
  return {
    async encode(data) {
      const nonce = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: nonce },
        await imported(),
        data as Uint8Array<ArrayBuffer>,
      );
      return layout(nonce, new Uint8Array(sealed));
    },
    async decode(data) {
      const { nonce, sealed } = unlayout(data);
      return new Uint8Array(
        await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, await imported(), sealed),
      );
    },
  };
}

/** noble's AES-GCM with the key's bytes, a getRandomValues nonce per call. */
function bareNoble(): BareCodec {
  const key = fromBase64(KEY);
  return {
    encode(data) {
      const nonce = crypto.getRandomValues(new Uint8Array(12));
      return layout(nonce, gcm(key, nonce).encrypt(data));
    },
    decode(data) {
      const { nonce, sealed } = unlayout(data);
      return gcm(key, nonce).decrypt(sealed);
    },
  };
}

/** Compress then encrypt on the way in; decrypt then decompress on the way out. */
function chain(zlib: BareCodec, cipher: BareCodec): BareCodec {
  return {
    encode: async (data) => cipher.encode(await zlib.encode(data)),
    decode: async (data) => zlib.decode(await cipher.decode(data)),
  };
}

/**
 * The workloads of one codec set: `a-<suffix>` and `d3-<suffix>`, each beside its bare loop.
 * The library's cipher and compressor last across runs, as an application's do.
 */
function pair(
  suffix: string,
  config: ApplicationConfig,
  bare: () => BareCodec,
  python: { readonly a?: number; readonly d3?: number } = {},
): Workload[] {
  return [
    createAndSave(`a-${suffix}`, config, python.a),
    rawInserts(`a-${suffix}`, bare().encode),
    selectAndDecode(`d3-${suffix}`, config, python.d3 === undefined ? {} : { python: python.d3 }),
    rawDecode(`d3-${suffix}`, bare()),
  ];
}

/** The codec workloads, in the order they run and print. */
export const codecWorkloads: readonly Workload[] = [
  ...pair('zlib', { compressor: new ZlibCompressor() }, bareZlib),
  // What storing small events saves: the same events deflated, as Python's zlib.compress does.
  createAndSave('a-zlib-deflate', { compressor: new ZlibCompressor({ storeBelow: 0 }) }),
  rawInserts('a-zlib-deflate', (data) => zlibSync(data, { level: 6 })),
  ...pair(
    'zlib-aes',
    { compressor: new ZlibCompressor(), cipher: new AesGcmCipher(KEY) },
    () => chain(bareZlib(), bareWebCrypto()),
    { a: PYTHON_A_ZLIB_AES, d3: PYTHON_D3_ZLIB_AES },
  ),
  // WebCrypto calls overlap when a selection is decoded at once with toDomainEvents.
  selectAndDecode(
    'd3-batch-zlib-aes',
    { compressor: new ZlibCompressor(), cipher: new AesGcmCipher(KEY) },
    { batch: true, baseline: 'd3-zlib-aes', python: PYTHON_D3_ZLIB_AES },
  ),
  ...pair(
    'zlib-noble',
    { compressor: new ZlibCompressor(), cipher: new NobleAesGcmCipher(KEY) },
    () => chain(bareZlib(), bareNoble()),
    { a: PYTHON_A_ZLIB_AES, d3: PYTHON_D3_ZLIB_AES },
  ),
];
