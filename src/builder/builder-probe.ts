// Talking to the builder over SSH with ssh2: verify the pinned host key, run one command, report.
import { readFile } from 'node:fs/promises'
import ssh2 from 'ssh2'
import { WrapixError } from '../errors.js'
import { publicKeyBlob } from '../keys/key-pair.js'
import { BUILDER_USER } from './builder-image.js'
import { type BuilderSettings, builderPaths } from './builder-settings.js'

export interface ProbeResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** The pinned host key blob from our known_hosts file (the only key we accept). */
async function pinnedHostKey(settings: BuilderSettings): Promise<Buffer> {
  const line = (await readFile(builderPaths(settings).knownHosts, 'utf8')).trim().split('\n')[0] ?? ''
  return Buffer.from(publicKeyBlob(line.split(/\s+/).slice(1).join(' ')), 'base64')
}

/** Runs `command` as the builder user; refuses any host key but the pinned one. */
export async function runOnBuilder(
  settings: BuilderSettings,
  command: string,
  opts: { privateKey?: string; timeoutMs?: number } = {},
): Promise<ProbeResult> {
  const pinned = await pinnedHostKey(settings)
  const privateKey = opts.privateKey ?? (await readFile(builderPaths(settings).clientKey, 'utf8'))
  const where = `${settings.host}:${settings.port}`
  return new Promise<ProbeResult>((resolve, reject) => {
    const conn = new ssh2.Client()
    let hostKeyRefused = false
    const fail = (err: WrapixError): void => {
      conn.end()
      reject(err)
    }
    conn.on('ready', () => {
      conn.exec(command, (err, stream) => {
        if (err) return fail(new WrapixError('internal', `the builder at ${where} refused to run a command: ${err.message}`, 'see: wrapix-builder status'))
        let stdout = ''
        let stderr = ''
        stream.on('data', (d: Buffer) => (stdout += d.toString()))
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
        stream.on('close', (code: number | null) => {
          conn.end()
          resolve({ exitCode: code ?? 255, stdout, stderr })
        })
      })
    })
    conn.on('error', (err: Error & { level?: string }) => {
      if (hostKeyRefused) {
        return fail(new WrapixError('host', `the builder at ${where} presented a host key that is not the pinned one`,
          `if you recreated it, check ${builderPaths(settings).knownHosts}; otherwise something else is listening on port ${settings.port}`))
      }
      if (err.level === 'client-authentication') {
        return fail(new WrapixError('host', `the builder at ${where} did not accept wrapix's client key`, 'restart it so it reloads its keys: wrapix-builder stop && wrapix-builder start'))
      }
      fail(new WrapixError('host', `cannot connect to the builder at ${where} (${(err as { code?: string }).code ?? err.message})`, 'start it with: wrapix-builder start'))
    })
    conn.connect({
      host: settings.host,
      port: settings.port,
      username: BUILDER_USER,
      privateKey,
      readyTimeout: opts.timeoutMs ?? 10_000,
      hostVerifier: (key: Buffer) => {
        hostKeyRefused = !key.equals(pinned)
        return !hostKeyRefused
      },
    })
  })
}
