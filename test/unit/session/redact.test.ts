import { describe, expect, it } from 'vitest'
import { createRedactor, maskSecret, redactDeep, redactSecretShapes } from '../../../src/session/redact.js'

// Fake credentials in the shapes providers use; none of them is real.
const SHAPES = {
  anthropic: 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdWXYZ',
  anthropicOauth: 'sk-ant-oat01-ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210abcdQRST',
  openai: 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdOPQR',
  openaiLegacy: 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789LMNO',
  google: 'AIzaSyA1B2C3D4E5F6G7H8I9J0K1L2M3N4O5P6Q',
  githubPat: 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  githubOauth: 'gho_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  githubUser: 'ghu_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  githubServer: 'ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  githubRefresh: 'ghr_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  githubFine: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  slack: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  gitlab: 'glpat-AbCdEfGhIjKlMnOpQrSt',
  npm: 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  stripe: 'sk_live_AbCdEfGhIjKlMnOpQrSt0123',
  huggingface: 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567',
  googleOauth: 'ya29.a0AfH6SMBxAbCdEfGhIjKlMnOpQrStUv',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
}

describe('secret-shaped strings', () => {
  it.each(Object.entries(SHAPES))('masks a %s token as •••• + its last 4 characters', (_name, token) => {
    const out = redactSecretShapes(`export TOKEN=${token} # set`)
    expect(out).toBe(`export TOKEN=••••${token.slice(-4)} # set`)
    expect(out).not.toContain(token.slice(0, -4))
  })

  it('masks bearer and api-key header values but keeps the header names', () => {
    const text = [
      'curl -H "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123" https://api.example.com',
      '{"headers":{"x-api-key":"k3y-value-4567","authorization":"Basic dXNlcjpwYXNzd29yZA=="}}',
    ].join('\n')
    const out = redactSecretShapes(text)
    expect(out).toContain('"Authorization: Bearer ••••0123"')
    expect(out).toContain('"x-api-key":"••••4567"')
    expect(out).toContain('"authorization":"Basic ••••ZA=="')
    expect(out).not.toMatch(/abcdefghijklmnop|k3y-value|dXNlcjpw/)
  })

  it('masks the body of PEM and OpenSSH private keys, also inside JSON strings', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234567890abcdef\nZZZZmore+key/dataQ==\n-----END RSA PRIVATE KEY-----'
    const ssh = '-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\\n-----END OPENSSH PRIVATE KEY-----'
    const out = redactSecretShapes(`key:\n${pem}\nand ${ssh}`)
    expect(out).toContain('-----BEGIN RSA PRIVATE KEY-----••••aQ==-----END RSA PRIVATE KEY-----')
    expect(out).toContain('-----BEGIN OPENSSH PRIVATE KEY-----••••bmU=-----END OPENSSH PRIVATE KEY-----')
    expect(out).not.toMatch(/MIIEpAIB|b3BlbnNzaC1r/)
  })

  it('masks a private key cut off before its END line', () => {
    const out = redactSecretShapes('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC')
    expect(out).toBe('-----BEGIN PRIVATE KEY-----••••AASC')
  })

  it('masks the password in user:pass@ URLs, secret query parameters and URL-encoded tokens', () => {
    const out = redactSecretShapes([
      'git clone https://deploy:s3cr3t-pa55word@git.example.com/x.git',
      'GET https://api.example.com/v1?user=ada&access_token=AbCdEf0123456789xyz&page=2',
      'https://x.example/?k=sk%2Dant%2Dapi03%2DAbCdEfGhIjKlMnOpQrStUvWxYz0123',
      'aws_secret_access_key = abcdEFGH1234abcdEFGH1234',
    ].join('\n'))
    expect(out).toContain('https://deploy:••••word@git.example.com/x.git')
    expect(out).toContain('access_token=••••9xyz&page=2')
    expect(out).toContain('user=ada')
    expect(out).not.toMatch(/s3cr3t|AbCdEf0123|AbCdEfGhIjKl|abcdEFGH1234abcd/)
  })

  it('leaves git SHAs, paths and plain URLs alone', () => {
    const text = 'commit 3f786850e387550fdab836ed7e6dc881de23001b in https://github.com/owner/repo.git at /home/ada/src/app?page=2'
    expect(redactSecretShapes(text)).toBe(text)
  })

  it('leaves ordinary text alone, including words that merely contain "sk-"', () => {
    const text = 'task-runner-configuration-file-name and desk-organizer-for-everyone-today; AKIA short; Bearer of news'
    expect(redactSecretShapes(text)).toBe(text)
  })

  it('is idempotent', () => {
    const once = redactSecretShapes(`a ${SHAPES.anthropic} b Authorization: Bearer ${SHAPES.githubPat}`)
    expect(redactSecretShapes(once)).toBe(once)
  })
})

describe('createRedactor with given secret values', () => {
  it('masks every occurrence of a given value, whatever its shape', () => {
    const redact = createRedactor(['correct-horse-battery-staple'])
    expect(redact('pw=correct-horse-battery-staple; again correct-horse-battery-staple')).toBe('pw=••••aple; again ••••aple')
  })

  it('masks short values (< 8 characters) fully and ignores values too short to mask', () => {
    const redact = createRedactor(['hunter2', 'ab'])
    expect(redact('password hunter2 ab')).toBe('password •••• ab')
  })

  it('masks the longer of two overlapping values whole', () => {
    const redact = createRedactor(['secret-one', 'secret-one-and-more'])
    expect(redact('x secret-one-and-more y secret-one')).toBe('x ••••more y ••••-one')
  })

  it('treats regex characters in values literally', () => {
    const redact = createRedactor(['a.b*c+d?(e)[f]$'])
    expect(redact('v=a.b*c+d?(e)[f]$ w=axb*c+d?(e)[f]$')).toBe('v=••••[f]$ w=axb*c+d?(e)[f]$')
  })

  it('also masks secret shapes', () => {
    expect(createRedactor(['unrelated-value'])(SHAPES.aws)).toBe('••••MPLE')
  })
})

describe('redactDeep', () => {
  it('masks strings and keys at any depth and keeps other values', () => {
    const redact = createRedactor(['canary-secret-value-1234'])
    const value = {
      argv: ['podman', 'run', '--env', 'TOKEN=canary-secret-value-1234'],
      nested: { n: 3, ok: true, none: null, list: [{ header: `Authorization: Bearer ${SHAPES.githubPat}` }] },
      'canary-secret-value-1234': 'as a key',
    }
    const out = redactDeep(value, redact)
    expect(out).toEqual({
      argv: ['podman', 'run', '--env', 'TOKEN=••••1234'],
      nested: { n: 3, ok: true, none: null, list: [{ header: 'Authorization: Bearer ••••6789' }] },
      '••••1234': 'as a key',
    })
    expect(value.argv[3]).toBe('TOKEN=canary-secret-value-1234') // the input is not changed
  })
})

describe('maskSecret', () => {
  it.each([
    ['abcdefgh', '••••efgh'],
    ['abcdefg', '••••'],
    ['', '••••'],
  ])('%j → %j', (secret, masked) => expect(maskSecret(secret)).toBe(masked))
})
