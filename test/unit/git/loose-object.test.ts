import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { isLooseObject } from '../../../src/git/import-objects.js'

const object = (type: string, body: string, declared = Buffer.byteLength(body)) => Buffer.from(`${type} ${declared}\0${body}`)
const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('hex')

describe('isLooseObject', () => {
  it('accepts a well-formed object whose hash is its name (sha1 and sha256)', () => {
    const raw = object('blob', 'hello\n')
    expect(isLooseObject(deflateSync(raw), sha1(raw))).toBe(true)
    expect(isLooseObject(deflateSync(raw), createHash('sha256').update(raw).digest('hex'))).toBe(true)
    expect(sha1(raw)).toBe('ce013625030ba8dba906f756967f9e9ca394464a') // git hash-object of "hello\n"
  })
  it('refuses another name, a wrong size, an unknown type and data that is not zlib', () => {
    const raw = object('blob', 'hello\n')
    expect(isLooseObject(deflateSync(raw), 'f'.repeat(40))).toBe(false)
    const badSize = object('blob', 'hello\n', 99)
    expect(isLooseObject(deflateSync(badSize), sha1(badSize))).toBe(false)
    const badType = object('evil', 'x')
    expect(isLooseObject(deflateSync(badType), sha1(badType))).toBe(false)
    expect(isLooseObject(Buffer.from('not zlib'), sha1(Buffer.from('not zlib')))).toBe(false)
  })
})
