// tls.trustHostCertificates unset: trust the host's CAs exactly when the host trusts some the image does
// not (a company's TLS-inspecting proxy), and say so once. The image's bundle is read once per image
// reference with a network-less `podman run` and cached.
import { createHash } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import type { WrapixPaths } from '../config/paths.js'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { certificateFingerprints, hostOnlyCertificates } from '../host/ca-certificates.js'

const IMAGE_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'

/** The image's CA bundle (empty when it has none), or null when the image cannot be run (e.g. not built yet). */
async function imageCaBundle(image: string, cacheDir: string, engine: 'podman' | 'container'): Promise<string | null> {
  const cached = join(cacheDir, 'ca-bundles', `${createHash('sha256').update(image).digest('hex').slice(0, 24)}.pem`)
  const hit = await readFile(cached, 'utf8').catch(() => null)
  if (hit !== null) return hit
  // macOS: Apple's `container run` (apple/container 1.2.2 has no --pull; the image is local, wrapix built it).
  const argv = engine === 'podman' ? ['run', '--rm', '--pull', 'never', '--network', 'none', '--entrypoint', 'cat', image, IMAGE_BUNDLE] : ['run', '--rm', '--network', 'none', '--entrypoint', 'cat', image, IMAGE_BUNDLE]
  const r = await execa(engine, argv, { reject: false, timeout: 60_000, stdin: 'ignore' })
  if (r.exitCode !== 0 && !/No such file/.test(String(r.stderr))) return null
  const pem = r.exitCode === 0 ? String(r.stdout) : ''
  await mkdir(join(cacheDir, 'ca-bundles'), { recursive: true })
  await writeFileAtomic(cached, pem)
  return pem
}

/** Whether to trust the host's CAs, and the one-time announcement when this is news. */
export async function detectHostOnlyCas(args: { hostBundle: string; image: string; paths: WrapixPaths; engine?: 'podman' | 'container' }): Promise<{ trust: boolean; notice: string | null }> {
  const hostPem = await readFile(args.hostBundle, 'utf8').catch(() => null)
  const imagePem = hostPem === null ? null : await imageCaBundle(args.image, args.paths.cacheDir, args.engine ?? 'podman')
  if (hostPem === null || imagePem === null) return { trust: false, notice: null }
  const extra = hostOnlyCertificates(certificateFingerprints(hostPem), certificateFingerprints(imagePem))
  if (extra.length === 0) return { trust: false, notice: null }
  // Announced once per set of extra CAs (a new corporate CA is news again).
  const digest = createHash('sha256').update(extra.join('\n')).digest('hex')
  const seenFile = join(args.paths.stateDir, 'tls-host-cas-announced')
  if ((await readFile(seenFile, 'utf8').catch(() => '')).trim() === digest) return { trust: true, notice: null }
  await mkdir(args.paths.stateDir, { recursive: true })
  await writeFileAtomic(seenFile, `${digest}\n`)
  return {
    trust: true,
    notice: `the sandbox trusts your host's certificate authorities (${args.hostBundle} holds ${extra.length} the image lacks, e.g. a company TLS proxy); to stop: tls: { trustHostCertificates: false } in ${args.paths.userConfigFile}`,
  }
}
