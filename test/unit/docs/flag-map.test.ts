// docs/architecture.md tells a reader where each run flag is handled; a flag added without a row there fails here.
import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { addRunOptions } from '../../../src/cli/run-options.js'

const doc = readFileSync(new URL('../../../docs/architecture.md', import.meta.url), 'utf8')
const section = doc.split(/^## /m).find((part) => part.startsWith('Where each run flag is handled')) ?? ''
const rows = section.split('\n').filter((line) => line.startsWith('| `'))

describe('the flag map in docs/architecture.md', () => {
  const flags = addRunOptions(new Command('run')).options.map((option) => option.long ?? option.flags)

  it('exists and has rows', () => {
    expect(rows.length).toBeGreaterThan(5)
  })

  it.each(flags)('has a row for %s', (flag) => {
    // The first cell lists the flags a row covers, each in backticks.
    const covered = rows.some((row) => (row.split('|')[1] ?? '').includes(`\`${flag}\``))
    expect(covered, `add ${flag} to the table "Where each run flag is handled" in docs/architecture.md`).toBe(true)
  })
})
