import { describe, expect, it } from 'vitest'
import { formatArgv, quoteArg } from '../../../src/runtime/format-argv.js'

describe('formatArgv', () => {
  it('leaves plain words alone', () => {
    expect(formatArgv(['podman', 'run', '--env', 'A=1', 'type=bind,source=/a,destination=/b'])).toBe('podman run --env A=1 type=bind,source=/a,destination=/b')
  })

  it.each([
    ['a b', "'a b'"],
    ['', "''"],
    ["it's", `'it'\\''s'`],
    ['$HOME', "'$HOME'"],
    ['a;rm -rf /', "'a;rm -rf /'"],
    ['*', "'*'"],
    ['`x`', "'`x`'"],
    ['line\nbreak', "'line\nbreak'"],
  ])('quotes %j as %s', (arg, quoted) => {
    expect(quoteArg(arg)).toBe(quoted)
  })

  it('redacts each argument before quoting', () => {
    expect(formatArgv(['--env', 'TOKEN=sk-secret value'], (t) => t.replace('sk-secret', '••••'))).toBe("--env 'TOKEN=•••• value'")
  })
})
