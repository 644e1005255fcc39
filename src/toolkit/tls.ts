import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await rename(temporary, file);
}

export async function ensureTlsMaterial(dir = defaultTlsDir()): Promise<TlsMaterial> {
  const files = { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'localhost.pem'), key: path.join(dir, 'localhost-key.pem') };
  if (existsSync(files.ca) && existsSync(files.cert) && existsSync(files.key)) {
    return { key: await readFile(files.key, 'utf8'), cert: await readFile(files.cert, 'utf8'), caFile: files.ca, dir, created: false };
  }
  await mkdir(dir, { recursive: true });
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
  await writeAtomically(files.key, leaf.private);
  await writeAtomically(files.cert, leaf.cert);
  await writeAtomically(files.ca, ca.cert);
  return { key: leaf.private, cert: leaf.cert, caFile: files.ca, dir, created: true };
}
