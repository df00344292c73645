// wrapix doctor's engine checks: the Mac (macOS, Apple container, its services) and libkrun for krun.
import { describe, expect, it } from 'vitest'
import { doctorChecks } from '../../../src/cli/doctor-command.js'
import { aHost } from '../helpers/host.js'

const mac = aHost({ os: 'darwin', osRelease: '25.0.0', appleContainer: '/usr/local/bin/container', podman: { path: null } })
const named = (checks: { name: string }[], prefix: string) => checks.find((c) => c.name.startsWith(prefix))

describe('doctor on macOS', () => {
  it('passes macOS 26, container 1.2.2 and running services', () => {
    const { checks } = doctorChecks(mac, { apple: { version: '1.2.2', running: true } })
    expect(checks.map((c) => [c.name, c.ok])).toEqual([['macOS 26+', true], ['Apple container 1.1.0+', true], ['Apple container services', true]])
  })

  it('offers container system start when the services are down', () => {
    const check = named(doctorChecks(mac, { apple: { version: '1.2.2', running: false } }).checks, 'Apple container services')
    expect(check).toMatchObject({ ok: false, fix: 'run: container system start' })
  })

  it('names an old macOS and an old container, each with its fix', () => {
    const { checks } = doctorChecks({ ...mac, osRelease: '24.1.0' }, { apple: { version: '1.0.0', running: true } })
    expect(named(checks, 'macOS')).toMatchObject({ ok: false, fix: 'update to macOS 26 or later' })
    expect(named(checks, 'Apple container 1.1.0+')).toMatchObject({ ok: false, detail: 'container 1.0.0 is older than 1.1.0' })
  })
})

describe('doctor and libkrun', () => {
  it('checks libkrun 1.18+ when a krun runtime is there', () => {
    expect(named(doctorChecks(aHost(), { libkrun: '1.17.4' }).checks, 'libkrun')).toMatchObject({ ok: false, fix: 'update libkrun to 1.18.0 or later' })
    expect(named(doctorChecks(aHost(), { libkrun: '1.19.0' }).checks, 'libkrun')).toMatchObject({ ok: true, detail: 'libkrun 1.19.0' })
  })

  it('says nothing about libkrun without krun', () => {
    expect(named(doctorChecks(aHost({ runtimes: { krun: null } }), { libkrun: null }).checks, 'libkrun')).toBeUndefined()
  })
})
