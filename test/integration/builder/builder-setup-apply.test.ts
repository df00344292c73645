// applySetupAction on real files: the marked block is written once, and a file the user may not write
// becomes a host error with the sudo hint (the write is made to fail, since these tests run as root).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { applySetupAction, type SetupAction } from '../../../src/builder/builder-setup.js'
import { WrapixError } from '../../../src/errors.js'

const failWith = vi.hoisted(() => ({ code: null as string | null }))
vi.mock('../../../src/fs/atomic-write.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/fs/atomic-write.js')>()
  return {
    ...real,
    writeFileAtomic: async (path: string, content: string, mode?: number) => {
      if (failWith.code) throw Object.assign(new Error(`${failWith.code}: ${path}`), { code: failWith.code })
      return real.writeFileAtomic(path, content, mode)
    },
  }
})

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wrapix-builder-setup-'))
  failWith.code = null
})
afterEach(async () => rm(dir, { recursive: true, force: true }))

const action = (path: string): SetupAction => ({ path, description: 'test', content: 'Host b\n  Port 1\n', system: true })

describe('applySetupAction', () => {
  it('adds its block beside the user’s text once, then reports nothing to change', async () => {
    const file = join(dir, 'etc', 'ssh', 'config')
    await expect(applySetupAction(action(file), 'b')).resolves.toBe('changed')
    await expect(applySetupAction(action(file), 'b')).resolves.toBe('unchanged')
    expect(await readFile(file, 'utf8')).toBe('# >>> wrapix-builder b >>>\nHost b\n  Port 1\n# <<< wrapix-builder b <<<\n')
  })

  it.each(['EACCES', 'EPERM'])('turns %s into a host error that says to run it as root', async (code) => {
    const file = join(dir, 'machines')
    await writeFile(file, 'kept\n')
    failWith.code = code
    const err = await applySetupAction(action(file), 'b').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WrapixError)
    expect(err).toMatchObject({ kind: 'host', message: `no permission to write ${file}` })
    expect((err as WrapixError).hint).toContain('sudo wrapix-builder setup')
    expect(await readFile(file, 'utf8')).toBe('kept\n')
  })

  it('passes other failures through unchanged', async () => {
    failWith.code = 'ENOSPC'
    await expect(applySetupAction(action(join(dir, 'full')), 'b')).rejects.toMatchObject({ code: 'ENOSPC' })
  })
})
