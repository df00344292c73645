import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfigFile, parseConfig } from '../../../src/config/load.js'
import { parseYamlWith } from '../../../src/config/parse-yaml.js'
import { ConfigSchema } from '../../../src/config/schema.js'
import { thrownBy } from '../helpers/errors.js'

const FILE = '/home/ada/.config/wrapix/config.yaml'

describe('parseConfig', () => {
  it('reads a valid file with defaults filled in', () => {
    const config = parseConfig('boundary: gvisor\nresources:\n  memoryMb: 2048\n', FILE)
    expect(config.boundary).toBe('gvisor')
    expect(config.resources.memoryMb).toBe(2048)
    expect(config.mounts).toEqual([])
    expect(config.approvedPolicies).toEqual([])
  })

  it('names file, line and field of a misspelt field', () => {
    const err = thrownBy(() => parseConfig('agent: claude\nresources:\n  memroyMb: 2048\n', FILE))
    expect(err.kind).toBe('config')
    expect(err.exitCode).toBe(3)
    expect(err.message).toBe(`${FILE}:3: resources: unknown field "memroyMb"`)
    expect(err.hint).toContain(`fix ${FILE}`)
  })

  it('names the line of a misspelt top-level field', () => {
    expect(thrownBy(() => parseConfig('agent: claude\nbondary: gvisor\n', FILE)).message).toBe(`${FILE}:2: (top level): unknown field "bondary"`)
  })

  it('names file, line and field of a value of the wrong type', () => {
    const err = thrownBy(() => parseConfig('agent: claude\n\nresources:\n  cpus: lots\n', FILE))
    expect(err.message).toMatch(new RegExp(`^${FILE}:4: resources\\.cpus: `))
    expect(err.message).toMatch(/number/)
  })

  it('names the line of a bad item in a list', () => {
    const text = 'mounts:\n  - source: ~/data\n    dest: /data\n  - source: ~/cache\n    dest: cache\n'
    const err = thrownBy(() => parseConfig(text, FILE))
    expect(err.message).toMatch(new RegExp(`^${FILE}:5: mounts\\.1\\.dest: must be an absolute path`))
  })

  it('reports every problem, not just the first', () => {
    const err = thrownBy(() => parseConfig('boundary: vm\nagent: clippy\n', FILE))
    expect(err.message).toContain(`${FILE}:1: boundary:`)
    expect(err.message).toContain(`${FILE}:2: agent:`)
  })

  it('names file and line of invalid YAML syntax', () => {
    const err = thrownBy(() => parseConfig('agent: claude\nresources: [cpus: 2\n', FILE))
    expect(err.kind).toBe('config')
    expect(err.message).toMatch(new RegExp(`^${FILE}:\\d+: invalid YAML: `))
  })

  it('refuses a key given twice', () => {
    expect(thrownBy(() => parseConfig('agent: claude\nagent: codex\n', FILE)).message).toMatch(new RegExp(`^${FILE}:2: invalid YAML`))
  })

  it('refuses a file that is not a mapping', () => {
    expect(thrownBy(() => parseConfig('- agent\n', FILE)).message).toMatch(new RegExp(`^${FILE}`))
  })

  it.each([[''], ['\n  \n'], ['   ']])('treats an empty file (%j) as an error, not as defaults', (text) => {
    const err = thrownBy(() => parseConfig(text, FILE))
    expect(err.kind).toBe('config')
    expect(err.message).toBe(`${FILE}: file is empty`)
  })

  it('treats a file of only comments as defaults', () => {
    expect(parseConfig('# nothing yet\n', FILE).mounts).toEqual([])
  })
})

describe('parseYamlWith', () => {
  it('passes the caller hint through', () => {
    expect(thrownBy(() => parseYamlWith(ConfigSchema, 'nope: 1\n', 'x.yaml', 'HINT')).hint).toBe('HINT')
  })
})

describe('loadConfigFile', () => {
  let dir: string | undefined
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
    dir = undefined
  })

  it('returns null for a missing file (defaults apply)', () => {
    dir = mkdtempSync(join(tmpdir(), 'wrapix-unit-load-'))
    expect(loadConfigFile(join(dir, 'config.yaml'))).toBeNull()
    expect(loadConfigFile(join(dir, 'not-a-dir', 'config.yaml'))).toBeNull()
  })

  it('returns the file, its text and the parsed value', () => {
    dir = mkdtempSync(join(tmpdir(), 'wrapix-unit-load-'))
    const file = join(dir, 'config.yaml')
    writeFileSync(file, 'agent: codex\n')
    expect(loadConfigFile(file)).toMatchObject({ file, text: 'agent: codex\n', value: { agent: 'codex' } })
  })

  it('stops on an empty file', () => {
    dir = mkdtempSync(join(tmpdir(), 'wrapix-unit-load-'))
    const file = join(dir, 'config.yaml')
    writeFileSync(file, '')
    expect(thrownBy(() => loadConfigFile(file)).message).toBe(`${file}: file is empty`)
  })

  it('stops on a path that is a directory', () => {
    dir = mkdtempSync(join(tmpdir(), 'wrapix-unit-load-'))
    const err = thrownBy(() => loadConfigFile(dir!))
    expect(err.kind).toBe('config')
    expect(err.message).toContain(`cannot read ${dir}`)
  })
})

describe('parseConfig limits', () => {
  it('names a repeated key with its line, at any depth', () => {
    expect(thrownBy(() => parseConfig('network:\n  mode: none\n  mode: open\n', '/c.yaml')).message).toBe('/c.yaml:3: invalid YAML: Map keys must be unique')
    expect(thrownBy(() => parseConfig('env:\n  A: "1"\nenv: {}\n', '/c.yaml')).message).toBe('/c.yaml:3: invalid YAML: Map keys must be unique')
  })
  it('turns an alias bomb into a config error naming the file', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n')
    const err = thrownBy(() => parseConfig(bomb, '/c.yaml'))
    expect(err.kind).toBe('config')
    expect(err.message).toMatch(/^\/c\.yaml: too many YAML aliases/)
  })
  it('refuses resource values outside the bounds flags have too', () => {
    expect(thrownBy(() => parseConfig('resources:\n  memoryMb: 5\n', '/c.yaml')).message).toMatch(/resources\.memoryMb: Too small/)
    expect(thrownBy(() => parseConfig('resources:\n  cpus: 1.0e300\n', '/c.yaml')).message).toMatch(/resources\.cpus: Too big/)
    expect(thrownBy(() => parseConfig('resources:\n  cpus: 0.0000001\n', '/c.yaml')).message).toMatch(/resources\.cpus: Too small/)
  })
})
