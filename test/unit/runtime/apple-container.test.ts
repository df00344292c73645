import { describe, expect, it } from 'vitest'
import { appleContainerArgv } from '../../../src/runtime/apple-container.js'
import { valuesOf } from '../helpers/argv.js'
import { aPlan, bind } from '../helpers/plan.js'

const macPlan = (overrides: Parameters<typeof aPlan>[0] = {}) =>
  aPlan({ backend: 'apple-container', boundary: 'microvm', runtime: 'krun', workspace: '/Users/ada/app', mounts: [bind('/Users/ada/my app', '/workspace'), bind('/tmp/files', '/etc/wrapix', true), { kind: 'tmpfs', dest: '/home/wrapix' }], ...overrides })

describe('appleContainerArgv', () => {
  it('keeps a path with spaces in one element and marks read-only binds', () => {
    expect(valuesOf(appleContainerArgv(macPlan()), '--mount')).toEqual([
      'type=bind,source=/Users/ada/my app,target=/workspace',
      'type=bind,source=/tmp/files,target=/etc/wrapix,readonly',
    ])
    expect(valuesOf(appleContainerArgv(macPlan()), '--tmpfs')).toEqual(['/home/wrapix'])
  })

  it('rounds CPUs to a whole number of at least 1, and spells memory in M', () => {
    expect(valuesOf(appleContainerArgv(macPlan({ limits: { cpus: 0.5, memoryMb: 2048, pids: 10, enforced: true } })), '--cpus')).toEqual(['1'])
    expect(valuesOf(appleContainerArgv(macPlan({ limits: { cpus: 2.6, memoryMb: 2048, pids: 10, enforced: true } })), '--memory')).toEqual(['2048M'])
  })

  it('passes secrets by name only', () => {
    expect(valuesOf(appleContainerArgv(macPlan({ env: { A: '1' }, secretNames: ['OPENAI_API_KEY'] })), '--env')).toEqual(['A=1', 'OPENAI_API_KEY'])
  })

  it('asks for a terminal only for a tty session', () => {
    expect(appleContainerArgv(macPlan({ tty: true }))).toContain('--tty')
    expect(appleContainerArgv(macPlan())).not.toContain('--tty')
  })

  it('is the whole contract of a macOS session (snapshot)', () => {
    expect(appleContainerArgv(macPlan({ secretNames: ['ANTHROPIC_API_KEY'] }))).toMatchInlineSnapshot(`
      [
        "run",
        "--rm",
        "--name",
        "wrapix-a1b2c3d4e5f6",
        "--interactive",
        "--cpus",
        "2",
        "--memory",
        "4096M",
        "--label",
        "wrapix.managed=true",
        "--label",
        "wrapix.session=a1b2c3d4e5f6",
        "--user",
        "1000:1000",
        "--mount",
        "type=bind,source=/Users/ada/my app,target=/workspace",
        "--mount",
        "type=bind,source=/tmp/files,target=/etc/wrapix,readonly",
        "--tmpfs",
        "/home/wrapix",
        "--env",
        "LANG=C.UTF-8",
        "--env",
        "IS_SANDBOX=1",
        "--env",
        "ANTHROPIC_API_KEY",
        "--workdir",
        "/workspace",
        "--entrypoint",
        "/bin/sh",
        "localhost/wrapix-base:bookworm",
        "/etc/wrapix/session/entry.sh",
        "true",
      ]
    `)
  })
})
