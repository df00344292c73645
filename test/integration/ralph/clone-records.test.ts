// Records of a parallel task come back from its clone into the project's log. The clone is a copy of the
// project, so a hostile commit shapes its `.wrapix/log` too: a planted link there, or a linked log in the
// project, must never copy a host file into the project (where the next sandbox could read it) or write
// outside it.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { collectCloneRecords } from '../../../src/ralph/clone-records.js'

const RECORD = '20261202T101500.123Z-abcd1234'
let root: string
let clone: string
let project: string
let secret: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wrapix-clone-records-'))
  clone = join(root, 'clone')
  project = join(root, 'project')
  secret = join(root, 'host-secret')
  await writeFile(secret, 'host private key\n')
  await mkdir(join(clone, '.wrapix', 'log'), { recursive: true })
  await mkdir(project)
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('collectCloneRecords', () => {
  it("copies the clone's session records and network logs into the project's log", async () => {
    await writeFile(join(clone, '.wrapix', 'log', `${RECORD}.json`), '{"record":1}\n')
    await writeFile(join(clone, '.wrapix', 'log', `${RECORD}.network.jsonl`), '{"event":1}\n')
    await collectCloneRecords(clone, project)
    expect((await readdir(join(project, '.wrapix', 'log'))).sort()).toEqual([`${RECORD}.json`, `${RECORD}.network.jsonl`])
    expect(await readFile(join(project, '.wrapix', 'log', `${RECORD}.json`), 'utf8')).toBe('{"record":1}\n')
  })

  it('never copies through a link planted in the clone, nor a file with a name wrapix does not make', async () => {
    await symlink(secret, join(clone, '.wrapix', 'log', `${RECORD}.json`))
    await writeFile(join(clone, '.wrapix', 'log', 'planted.json'), '{}\n')
    await collectCloneRecords(clone, project)
    const copied = await readdir(join(project, '.wrapix', 'log')).catch(() => [])
    expect(copied).toEqual([])
  })

  it("refuses a project whose .wrapix/log is a link, and writes nothing through it", async () => {
    const elsewhere = join(root, 'elsewhere')
    await mkdir(elsewhere)
    await mkdir(join(project, '.wrapix'))
    await symlink(elsewhere, join(project, '.wrapix', 'log'))
    await writeFile(join(clone, '.wrapix', 'log', `${RECORD}.json`), '{"record":1}\n')
    await expect(collectCloneRecords(clone, project)).rejects.toThrow(/symbolic link/)
    expect(await readdir(elsewhere)).toEqual([])
  })
})
