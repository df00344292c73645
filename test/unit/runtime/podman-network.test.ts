import { describe, expect, it } from 'vitest'
import { podmanNetworkArgs, proxyEnv, usesProxy } from '../../../src/runtime/podman-network.js'

describe('podmanNetworkArgs', () => {
  it('gives every sandbox only a loopback (podman --network none), in every mode', () => {
    for (const mode of ['limit', 'open', 'none'] as const) {
      expect(podmanNetworkArgs(mode, 'container').run).toEqual(['--network', 'none'])
    }
    expect(podmanNetworkArgs('none', 'microvm', 'wrapix-s')).toEqual({ global: [], run: ['--network', 'none'] })
  })

  it('puts a krun microVM in its relay\'s loopback-only namespace (the guest reaches only TCP, through the VMM)', () => {
    for (const mode of ['limit', 'open'] as const) {
      expect(podmanNetworkArgs(mode, 'microvm', 'wrapix-s')).toEqual({ global: [], run: ['--network', 'container:wrapix-s-relay'] })
    }
  })
  it('keeps gVisor on its own loopback-only stack; host unix sockets only where the proxy is used', () => {
    expect(podmanNetworkArgs('limit', 'gvisor').global).toEqual(['--runtime-flag', 'network=none', '--runtime-flag', 'host-uds=open'])
    expect(podmanNetworkArgs('open', 'gvisor').global).toEqual(['--runtime-flag', 'network=none', '--runtime-flag', 'host-uds=open'])
    expect(podmanNetworkArgs('none', 'gvisor').global).toEqual(['--runtime-flag', 'network=none'])
  })
})

describe('proxyEnv', () => {
  it('points every proxy variable at the relay in limit and open mode', () => {
    for (const mode of ['limit', 'open'] as const) {
      const env = proxyEnv(mode)
      for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY']) expect(env[name]).toBe('http://127.0.0.1:3128')
      expect(env.NO_PROXY).toBe('localhost,127.0.0.1')
      expect(env.no_proxy).toBe('localhost,127.0.0.1')
    }
    expect(proxyEnv('none')).toEqual({})
    expect(usesProxy('none')).toBe(false)
  })
})
