import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** The one JWS algorithm for tokens this platform signs (RFC 8725 §3.1: pin it). */
export const SIGNING_ALG = 'ES256';

/** Signing identities: the dev caller issuer and the services that call other services. */
export const KEY_NAMES = ['dev-issuer', 'gateway', 'cohort', 'governance'] as const;
export type KeyName = (typeof KEY_NAMES)[number];

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const pending = new Map<string, Promise<unknown>>();

/**
 * Makes sure every dev key and the master secret exist in `dir`, creating what is missing.
 * Production deployments place their own files there instead; existing files are never
 * overwritten.
 */
export async function ensureKeys(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of KEY_NAMES) {
    await once(`${dir}:${name}`, () => createKeyPairIfMissing(dir, name));
  }
  await once(`${dir}:master`, () =>
    writeIfMissing(path.join(dir, 'master-secret'), randomBytes(32).toString('hex')),
  );
}

export async function loadSigningKey(dir: string, name: KeyName): Promise<SigningKey> {
  const jwk = JSON.parse(await fs.readFile(privatePath(dir, name), 'utf8')) as JWK;
  const privateKey = (await importJWK(jwk, SIGNING_ALG)) as CryptoKey;
  const { d: _private, ...publicJwk } = jwk;
  return { kid: jwk.kid ?? '', privateKey, publicJwk };
}

/** The public JWK of a signing identity (all a verifier needs). */
export async function loadPublicJwk(dir: string, name: KeyName): Promise<JWK> {
  return JSON.parse(await fs.readFile(publicPath(dir, name), 'utf8')) as JWK;
}

/** The 32-byte master secret from which per-project pseudonym keys are derived. */
export async function loadMasterSecret(dir: string): Promise<Buffer> {
  const hex = (await fs.readFile(path.join(dir, 'master-secret'), 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new TypeError('master-secret must hold 64 hexadecimal digits');
  }
  return Buffer.from(hex, 'hex');
}

async function createKeyPairIfMissing(dir: string, name: KeyName): Promise<void> {
  try {
    await fs.access(privatePath(dir, name));
    return;
  } catch {
    // Missing: create it below.
  }
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const full = { ...jwk, kid, alg: SIGNING_ALG, use: 'sig' };
  const { d: _private, ...publicJwk } = full;
  if (await writeIfMissing(privatePath(dir, name), JSON.stringify(full))) {
    await fs.writeFile(publicPath(dir, name), JSON.stringify(publicJwk), { mode: 0o644 });
  }
}

/** Writes a new file atomically; false when another process got there first. */
async function writeIfMissing(file: string, content: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(temp, content, { mode: 0o600 });
  try {
    await fs.link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

function once<T>(key: string, create: () => Promise<T>): Promise<T> {
  let promise = pending.get(key) as Promise<T> | undefined;
  if (!promise) {
    promise = create();
    pending.set(key, promise);
    promise.catch(() => pending.delete(key));
  }
  return promise;
}

function privatePath(dir: string, name: KeyName): string {
  return path.join(dir, `${name}.private.jwk.json`);
}

function publicPath(dir: string, name: KeyName): string {
  return path.join(dir, `${name}.public.jwk.json`);
}
