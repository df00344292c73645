// A throwaway certificate authority and one server certificate signed by it (openssl), so a test can
// serve "api.anthropic.com" on loopback with TLS that only the host side is told to trust.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'

export interface TestCa {
  readonly dir: string
  /** PEM of the CA certificate; also at caFile (for NODE_EXTRA_CA_CERTS). */
  readonly ca: string
  readonly caFile: string
  readonly key: string
  readonly cert: string
  cleanup(): Promise<void>
}

export async function makeTestCa(names: readonly string[]): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'wrapix-ca-'))
  const f = (n: string): string => join(dir, n)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await execa('openssl', ['req', '-x509', ...ec, '-days', '1', '-subj', '/CN=wrapix test CA', '-keyout', f('ca.key'), '-out', f('ca.pem')])
  await execa('openssl', ['req', ...ec, '-subj', `/CN=${names[0]}`, '-keyout', f('server.key'), '-out', f('server.csr')])
  await writeFile(f('ext.cnf'), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`)
  await execa('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', f('ext.cnf'), '-out', f('server.pem')])
  const [ca, key, cert] = await Promise.all([readFile(f('ca.pem'), 'utf8'), readFile(f('server.key'), 'utf8'), readFile(f('server.pem'), 'utf8')])
  return { dir, ca, caFile: f('ca.pem'), key, cert, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
