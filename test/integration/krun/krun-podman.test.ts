// A krun session through real podman, with krun replaced by a fake runtime (podman --runtime PATH): a script named
// `krun` that checks the OCI config podman hands it, then runs the container with crun. This host has no KVM and
// no libkrun, so this is the honest limit: it proves wrapix's side (the runtime path, the relay container whose
// network namespace the sandbox joins, secrets kept out of the config crun would copy into the guest as
// .krun_config.json, teardown), not the microVM itself (TSI carrying the guest's TCP to the relay).
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HostFacts } from '../../../src/host/facts.js'
import { BASE_IMAGE, podmanUnavailableReason } from '../../helpers/podman.js'
import { readRecordFile } from '../../helpers/session-record.js'
import { captureMain, stubIsolatedEnv, useIsolatedProject, type MainResult } from '../../helpers/in-process-main.js'

const fake = vi.hoisted(() => ({ host: undefined as HostFacts | undefined }))
vi.mock('../../../src/host/probe.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/host/probe.js')>()
  return { ...real, probeHost: (env?: NodeJS.ProcessEnv) => fake.host ?? real.probeHost(env) }
})
const { main } = await import('../../../src/cli/main.js')
const { probeHost } = await vi.importActual<typeof import('../../../src/host/probe.js')>('../../../src/host/probe.js')

const unavailable = await podmanUnavailableReason()
const SECRET = `sk-krun-${Math.random().toString(36).slice(2)}-Zq7XbW2mK9pLr4Ty8Hn3`
const dirs = useIsolatedProject('wrapix-int-krun-')
let root: string, home: string, project: string, krun: string, runtimeLog: string

const run = (args: string[]): Promise<MainResult> => captureMain(main, args)

beforeAll(() => {
  ;({ root, home, project } = dirs)
  mkdirSync(join(root, 'bin'))
  runtimeLog = join(root, 'runtime.log')
  krun = join(root, 'bin', 'krun')
  // conmon runs the runtime with its own environment: what the fake needs is written into it.
  writeFileSync(krun, [
    '#!/bin/sh',
    'prev=; bundle=',
    'for a in "$@"; do case "$prev" in --bundle|-b) bundle=$a;; esac; prev=$a; done',
    `if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then`,
    `  if grep -qF '${SECRET}' "$bundle/config.json"; then echo "config-with-secret $bundle" >> '${runtimeLog}'; else echo "config-clean" >> '${runtimeLog}'; fi`,
    '  grep -o \'"krun\\.[a-z_]*": *"[0-9]*"\' "$bundle/config.json" | tr -d \' "\' >> \'' + runtimeLog + '\' || true',
    'fi',
    'exec crun "$@"',
    '',
  ].join('\n'))
  chmodSync(krun, 0o755)
})
beforeEach(() => {
  const real = probeHost()
  fake.host = { ...real, kvm: { usable: true }, runtimes: { ...real.runtimes, krun } }
  stubIsolatedEnv(home, join(root, 'run'))
})

describe.skipIf(unavailable)('krun through podman (fake krun runtime)', () => {
  it('keeps secrets out of the runtime config, reaches the proxy through the relay beside the VM, and removes both', async () => {
    // Inside: the secret arrived (from the file the entrypoint read), and a request through the relay reaches the
    // proxy, which refuses loopback with 403 (no destination is contacted).
    const inside = 'printf %s "$API_TOKEN" > /workspace/token; curl -s --noproxy "" -o /dev/null -w "%{http_code}" -x "$HTTPS_PROXY" http://127.0.0.1:9/ > /workspace/proxy-status; true'
    const { code, stderr } = await run(['--boundary', 'microvm', '--network', 'limit', '--image', BASE_IMAGE, '-e', `API_TOKEN=${SECRET}`, '--', 'sh', '-c', inside])
    expect(stderr).not.toContain(SECRET)
    expect(code).toBe(0)
    expect(readFileSync(join(project, 'token'), 'utf8')).toBe(SECRET)
    expect(readFileSync(join(project, 'proxy-status'), 'utf8')).toBe('403')

    // Every config the runtime saw (the relay's is crun's, not krun's) was clean; the sandbox's was sized by annotation.
    const log = readFileSync(runtimeLog, 'utf8')
    expect(log).toContain('config-clean')
    expect(log).not.toContain('config-with-secret')
    expect(log).toMatch(/krun\.ram_mib:\d+/)
    expect(log).toContain('krun.use_passt:0')

    // Teardown: neither the sandbox nor its relay is left (both carry the session's label).
    const recordFile = readdirSync(join(project, '.wrapix', 'log')).find((f) => f.endsWith('.json'))!
    const sessionId = readRecordFile(join(project, '.wrapix', 'log', recordFile)).id
    const left = await execa('podman', ['ps', '--all', '--filter', `label=wrapix.session=${sessionId}`, '--format', '{{.Names}}'])
    expect(String(left.stdout).trim()).toBe('')
  })
})
