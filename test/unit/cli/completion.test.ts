// Shell completion: the scripts call `wrapix __complete WORDS…`; completeWords answers from the real program.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, Option } from 'commander'
import { afterAll, describe, expect, it } from 'vitest'
import { completeWords, completionScript } from '../../../src/cli/completion.js'
import { closestName } from '../../../src/cli/project-dir.js'
import { thrownBy } from '../helpers/errors.js'

const program = new Command('wrapix').option('--json')
program.command('run').option('--profile <name>').addOption(new Option('--network <mode>').choices(['limit', 'open', 'none'])).option('--dry-run')
program.command('doctor')
const log = program.command('log')
log.command('ls')
log.command('show')
program.command('policy').command('log')

const project = mkdtempSync(join(tmpdir(), 'wrapix-complete-'))
mkdirSync(join(project, '.wrapix', 'log'), { recursive: true })
mkdirSync(join(project, '.wrapix', 'profiles'), { recursive: true })
writeFileSync(join(project, '.wrapix', 'log', '20260101T000000.000Z-aaaa1111.json'), '{}')
writeFileSync(join(project, '.wrapix', 'log', '20260102T000000.000Z-bbbb2222.json'), '{}')
writeFileSync(join(project, '.wrapix', 'log', '20260102T000000.000Z-bbbb2222.network.jsonl'), '')
writeFileSync(join(project, '.wrapix', 'profiles', 'mine.yaml'), 'extends: base\n')
afterAll(() => rmSync(project, { recursive: true, force: true }))

describe('completeWords', () => {
  it('offers the commands first, then a command’s subcommands', () => {
    expect(completeWords(program, [''], project)).toEqual(['run', 'doctor', 'log', 'policy'])
    expect(completeWords(program, ['log', ''], project)).toEqual(['ls', 'show'])
  })
  it('offers a command’s flags and the global ones for a word starting with -', () => {
    expect(completeWords(program, ['run', '--'], project)).toEqual(expect.arrayContaining(['--profile', '--network', '--dry-run', '--json']))
  })
  it('offers the choices of a flag that takes one', () => {
    expect(completeWords(program, ['run', '--network', ''], project)).toEqual(['limit', 'open', 'none'])
  })
  it('offers profile names (built-in and the project’s) after --profile', () => {
    expect(completeWords(program, ['run', '--profile', ''], project)).toEqual(expect.arrayContaining(['base', 'rust', 'python', 'mine']))
  })
  it('offers session ids, newest first, for log show and policy log', () => {
    expect(completeWords(program, ['log', 'show', ''], project)).toEqual(['latest', 'bbbb2222', 'aaaa1111'])
    expect(completeWords(program, ['policy', 'log', ''], project)).toEqual(['latest', 'bbbb2222', 'aaaa1111'])
  })
})

describe('completionScript', () => {
  it.each(['bash', 'zsh', 'fish'])('%s calls wrapix __complete', (shell) => {
    expect(completionScript(shell)).toContain('wrapix __complete')
  })
  it('refuses another shell with the ones it knows', () => {
    const err = thrownBy(() => completionScript('tcsh'))
    expect([err.kind, err.hint]).toEqual(['usage', 'use one of: bash, zsh, fish'])
  })
})

describe('closestName', () => {
  it.each([['logs', 'log'], ['docter', 'doctor'], ['confg', 'config'], ['pol', 'policy'], ['zzzzzz', undefined]])('%s → %s', (word, name) => {
    expect(closestName(word, ['run', 'shell', 'config', 'doctor', 'log', 'policy'])).toBe(name)
  })
})
