import { describe, expect, it } from 'vitest'
import { podmanNetworkArgs, proxyEnv } from '../../../src/runtime/podman-network.js'

describe('podmanNetworkArgs', () => {
  it('runs limit and open sessions in the namespace wrapix prepared', () => {
    expect(podmanNetworkArgs('limit', 'abc123', 'container')).toEqual({ global: [], run: ['--network', 'ns:/run/netns/wrapix-abc123'] })
    expect(podmanNetworkArgs('open', 'abc123', 'microvm')).toEqual({ global: [], run: ['--network', 'ns:/run/netns/wrapix-abc123'] })
  })
  it('makes gVisor use the namespace kernel stack, so the forwarder on its loopback is reachable', () => {
    expect(podmanNetworkArgs('limit', 'abc123', 'gvisor')).toEqual({ global: ['--runtime-flag', 'network=host'], run: ['--network', 'ns:/run/netns/wrapix-abc123'] })
  })
  it('gives none mode no network, with gVisor on a loopback of its own', () => {
    expect(podmanNetworkArgs('none', 'abc123', 'container')).toEqual({ global: [], run: ['--network', 'none'] })
    expect(podmanNetworkArgs('none', 'abc123', 'gvisor')).toEqual({ global: ['--runtime-flag', 'network=none'], run: ['--network', 'none'] })
  })
  it('refuses a session id that could escape /run/netns', () => {
    expect(() => podmanNetworkArgs('limit', '../x', 'container')).toThrow(/cannot name a network namespace/)
  })
})

describe('proxyEnv', () => {
  it('points every proxy variable at the forwarder in limit mode only', () => {
    const env = proxyEnv('limit')
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY']) expect(env[name]).toBe('http://127.0.0.1:3128')
    expect(env.NO_PROXY).toBe('localhost,127.0.0.1')
    expect(env.no_proxy).toBe('localhost,127.0.0.1')
    expect(proxyEnv('open')).toEqual({})
    expect(proxyEnv('none')).toEqual({})
  })
})
