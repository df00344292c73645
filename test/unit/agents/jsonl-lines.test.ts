import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { scanJsonl } from '../../../src/agents/jsonl-lines.js'

describe('scanJsonl', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wrapix-jsonl-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  async function scan(content: string | Buffer, maxLineBytes = 1 << 20) {
    const file = join(dir, 'f.jsonl')
    writeFileSync(file, content)
    const lines: string[] = []
    let oversized = 0
    await scanJsonl(file, { markers: ['"keep"'], maxLineBytes, onLine: (l) => lines.push(l), onOversized: () => oversized++ })
    return { lines, oversized }
  }

  it('passes on only lines with a marker, including a last line without newline', async () => {
    expect((await scan('{"t":"keep","n":1}\n{"t":"drop"}\n\n{"t":"keep","n":2}')).lines).toEqual(['{"t":"keep","n":1}', '{"t":"keep","n":2}'])
  })

  it('joins lines that span read chunks and keeps multi-byte characters whole', async () => {
    const long = `{"t":"keep","s":"${'é'.repeat(200_000)}"}` // 400 KB: crosses the 256 KiB chunk boundary
    const { lines } = await scan(`${long}\n{"t":"keep"}\n`)
    expect(lines).toEqual([long, '{"t":"keep"}'])
  })

  it('skips lines longer than the cap without holding them, and goes on after them', async () => {
    const huge = `{"t":"keep","s":"${'x'.repeat(600_000)}"}`
    const { lines, oversized } = await scan(`${huge}\n{"t":"keep","after":1}\n${huge}`, 100_000)
    expect(lines).toEqual(['{"t":"keep","after":1}'])
    expect(oversized).toBe(2)
  })
})
