import { describe, expect, it } from 'vitest'
import { formatTaskFile, parseTaskFile, slugOf } from '../../../src/ralph/task-file.js'
import { WrapixError } from '../../../src/errors.js'

const FILE = '.wrapix/ralph/auth/001-login.md'
const valid = `---\nid: auth-001\ntitle: Log in\npriority: 1\ndependsOn: []\nstatus: todo\nattempts: 0\nsessions: []\n---\n\nMake login work.\n`

const problem = (text: string): string => {
  try {
    parseTaskFile(text, FILE, 'auth')
  } catch (err) {
    expect(err).toBeInstanceOf(WrapixError)
    return (err as WrapixError).message
  }
  throw new Error('parsed')
}

describe('task files', () => {
  it('round-trips through parse and format', () => {
    const task = parseTaskFile(valid, FILE, 'auth')
    expect(task).toMatchObject({ id: 'auth-001', title: 'Log in', priority: 1, status: 'todo', description: 'Make login work.', spec: 'auth', file: FILE })
    expect(formatTaskFile(task)).toBe(valid)
    const noted = { ...task, status: 'clarify' as const, note: 'Which provider?\n### Option 1 — GitHub' }
    expect(parseTaskFile(formatTaskFile(noted), FILE, 'auth')).toEqual(noted)
  })

  it('fills defaults for a minimal hand-written file', () => {
    expect(parseTaskFile('---\nid: auth-002\ntitle: x\n---\nbody', FILE, 'auth')).toMatchObject({ priority: 2, dependsOn: [], status: 'todo', attempts: 0, sessions: [] })
  })

  it('names the file, the line and the field of a bad value', () => {
    expect(problem(valid.replace('priority: 1', 'priority: 9'))).toMatch(/^\.wrapix\/ralph\/auth\/001-login\.md:4: priority: /)
    expect(problem(valid.replace('status: todo', 'status: finished'))).toMatch(/001-login\.md:6: status: /)
    expect(problem(valid.replace('attempts: 0', 'attempts: 0\nowner: me'))).toMatch(/001-login\.md:8: \(top level\): unknown field "owner"/)
    expect(problem(valid.replace('dependsOn: []', 'dependsOn: [login]'))).toMatch(/:5: dependsOn\.0: use "<spec>-<number>"/)
  })

  it('refuses a file without front matter, broken YAML and an id of another spec', () => {
    expect(problem('just text')).toMatch(/001-login\.md:1: a task file starts with YAML front matter/)
    expect(problem('---\nid: [\n---\n')).toMatch(/001-login\.md:2: invalid YAML/)
    expect(problem(valid.replace('id: auth-001', 'id: billing-001'))).toMatch(/does not belong to spec "auth"/)
  })

  it('makes file-name slugs from titles', () => {
    expect(slugOf('Fix the ../../etc/passwd bug!')).toBe('fix-the-etc-passwd-bug')
    expect(slugOf('***')).toBe('task')
  })
})
