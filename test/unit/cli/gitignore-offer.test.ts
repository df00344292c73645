// The first session in a git project offers to add .wrapix/ and .claude/ to .gitignore, once.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const answers = vi.hoisted(() => ({ confirm: vi.fn(async () => true) }))
vi.mock('../../../src/cli/prompts.js', () => ({ confirm: answers.confirm }))
const { missingIgnores, offerGitignore } = await import('../../../src/cli/gitignore-offer.js')

let dir: string
let stderr: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wrapix-gitignore-'))
  mkdirSync(join(dir, '.git'))
  stderr = ''
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true))
  answers.confirm.mockClear()
})
afterEach(() => {
  vi.restoreAllMocks()
  rmSync(dir, { recursive: true, force: true })
})

describe('missingIgnores', () => {
  it.each([
    ['', ['.wrapix/', '.claude/']],
    ['.wrapix\n', ['.claude/']],
    ['/.wrapix/\n/.claude\n', []],
    ['node_modules/\n.claude/*\n', ['.wrapix/']],
  ])('%j → %j', (text, missing) => expect(missingIgnores(text)).toEqual(missing))
})

describe('offerGitignore', () => {
  it('asks on a terminal and appends what is missing', async () => {
    writeFileSync(join(dir, '.gitignore'), 'node_modules/')
    await offerGitignore(dir, {}, true)
    expect(answers.confirm).toHaveBeenCalledOnce()
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\n.wrapix/\n.claude/\n')
  })
  it('leaves the file alone when the answer is no', async () => {
    answers.confirm.mockResolvedValueOnce(false)
    await offerGitignore(dir, {}, true)
    expect(existsSync(join(dir, '.gitignore'))).toBe(false)
  })
  it('with --no-input (or no terminal) only says how, and writes nothing', async () => {
    await offerGitignore(dir, { input: false }, true)
    await offerGitignore(dir, {}, false)
    expect(answers.confirm).not.toHaveBeenCalled()
    expect(existsSync(join(dir, '.gitignore'))).toBe(false)
    expect(stderr).toContain(`printf '.wrapix/\\n.claude/\\n' >> .gitignore`)
  })
  it('asks only once: a project with session records was asked before', async () => {
    mkdirSync(join(dir, '.wrapix', 'log'), { recursive: true })
    await offerGitignore(dir, {}, true)
    expect(answers.confirm).not.toHaveBeenCalled()
  })
  it('does not ask outside a git repository', async () => {
    rmSync(join(dir, '.git'), { recursive: true })
    await offerGitignore(dir, {}, true)
    expect(answers.confirm).not.toHaveBeenCalled()
  })
  it('never appends through a .gitignore planted as a symbolic link', async () => {
    const target = join(dir, 'elsewhere')
    writeFileSync(target, 'x\n')
    symlinkSync(target, join(dir, '.gitignore'))
    await offerGitignore(dir, {}, true)
    expect(readFileSync(target, 'utf8')).toBe('x\n')
    expect(stderr).toContain('did not change')
  })
})
