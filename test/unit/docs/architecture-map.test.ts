// docs/architecture.md is the map of the code: every folder under src/ has its paragraph (naming only files that
// exist), and every run flag its row in the flag table. A folder or flag added without them fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { addRunOptions } from '../../../src/cli/run-options.js'

const DOC = 'docs/architecture.md'
const doc = readFileSync(new URL(`../../../${DOC}`, import.meta.url), 'utf8')
const section = (title: string): string => doc.split(/^## /m).find((part) => part.startsWith(title)) ?? ''

describe(`the folders in ${DOC}`, () => {
  const src = readdirSync(new URL('../../../src', import.meta.url), { withFileTypes: true })
  const folders = src.filter((entry) => entry.isDirectory()).map((entry) => entry.name)
  const files = src.filter((entry) => entry.isFile()).map((entry) => entry.name)
  const paragraphs = section('The folders under').split('\n\n')

  it.each(folders)('src/%s/ has a paragraph of its own', (folder) => {
    const has = paragraphs.some((p) => p.startsWith(`**\`src/${folder}/\`**`))
    expect(has, `add a paragraph starting with **\`src/${folder}/\`** to "The folders under \`src/\`" in ${DOC}`).toBe(true)
  })

  it.each(folders)('src/%s/: every file its paragraph names exists there', (folder) => {
    const paragraph = paragraphs.find((p) => p.startsWith(`**\`src/${folder}/\`**`)) ?? ''
    const named = [...paragraph.matchAll(/`([\w.-]+\.ts)`/g)].map((m) => m[1] ?? '')
    expect(named.filter((name) => !existsSync(new URL(`../../../src/${folder}/${name}`, import.meta.url)))).toEqual([])
  })

  it.each(files)('src/%s is described', (file) => {
    expect(section('The folders under'), `say what src/${file} is for in ${DOC}`).toContain(`\`src/${file}\``)
  })
})

describe(`the flag map in ${DOC}`, () => {
  const rows = section('Where each run flag is handled').split('\n').filter((line) => line.startsWith('| `'))
  const flags = addRunOptions(new Command('run'), { agent: true }).options.map((option) => option.long ?? option.flags)

  it('exists and has rows', () => {
    expect(rows.length).toBeGreaterThan(5)
  })

  it.each(flags)('has a row for %s', (flag) => {
    // The first cell lists the flags a row covers, each in backticks.
    const covered = rows.some((row) => (row.split('|')[1] ?? '').includes(`\`${flag}\``))
    expect(covered, `add ${flag} to the table "Where each run flag is handled" in ${DOC}`).toBe(true)
  })
})
