import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';

// HTTPS for contract tests of auth middleware: SDKs send their bearer token only over https (the
// Graph JS SDK v3 drops Authorization for plain-http custom hosts). At first start edmock makes a
// local certificate authority and a certificate for localhost, 127.0.0.1 and ::1 signed by it,
// and keeps both for later runs. Trusting the CA (NODE_EXTRA_CA_CERTS=<ca.pem>, or the
// platform's store) makes the server's certificate valid without turning verification off.
// selfsigned (WebCrypto underneath) does the X.509 work: hand-written ASN.1 is no place for bugs.

export interface TlsMaterial {
  key: string;
  cert: string;
  /** The CA certificate file to trust. */
  caFile: string;
  dir: string;
  /** True when this start made them. */
  created: boolean;
}

export const defaultTlsDir = (): string => path.join(process.env.EDMOCK_HOME ?? path.join(os.homedir(), '.edmock'), 'tls');

const DAY = 24 * 60 * 60 * 1000;

const FILES = { ca: 'ca.pem', cert: 'localhost.pem', key: 'localhost-key.pem' };

async function readMaterial(dir: string): Promise<TlsMaterial> {
  const file = (name: string) => path.join(dir, name);
  return { key: await readFile(file(FILES.key), 'utf8'), cert: await readFile(file(FILES.cert), 'utf8'), caFile: file(FILES.ca), dir, created: false };
}

/**
 * The CA and certificate in `dir`, made first if absent. They are made in a directory of their
 * own and renamed into place whole, so that servers starting together (parallel test workers)
 * all end up with the same CA: the first rename wins, the others read what it put there.
 */
export async function ensureTlsMaterial(dir = defaultTlsDir()): Promise<TlsMaterial> {
  if (Object.values(FILES).every((name) => existsSync(path.join(dir, name)))) return readMaterial(dir);
  await mkdir(path.dirname(dir), { recursive: true });
  const staging = await mkdtemp(`${dir}.staging-`);
  try {
    await writeFreshMaterial(staging);
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    // Another process put its material there first (or an empty directory was in the way).
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR') throw error;
    if (!Object.values(FILES).every((name) => existsSync(path.join(dir, name)))) {
      throw new Error(`${dir} exists without a complete CA and certificate (${Object.values(FILES).join(', ')}); remove it to have them made again`, { cause: error });
    }
    return readMaterial(dir);
  }
  return { ...(await readMaterial(dir)), created: true };
}

async function writeFreshMaterial(dir: string): Promise<void> {
  const now = new Date();
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'edmock local development CA' }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate: now, notAfterDate: new Date(now.getTime() + 3650 * DAY),
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
  });
  // 825 days: the longest validity platforms accept for a server certificate.
  const leaf = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate: now, notAfterDate: new Date(now.getTime() + 825 * DAY), ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  await writeFile(path.join(dir, FILES.key), leaf.private, { mode: 0o600 });
  await writeFile(path.join(dir, FILES.cert), leaf.cert);
  await writeFile(path.join(dir, FILES.ca), ca.cert);
}
