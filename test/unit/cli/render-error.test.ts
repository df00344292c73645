import { Writable } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import { CommanderError } from 'commander'
import { describe, expect, it } from 'vitest'
import { renderError } from '../../../src/cli/render-error.js'
import { WrapixError } from '../../../src/errors.js'

function sink() {
  let text = ''
  const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) })
  return { stream, text: () => stripVTControlCharacters(text) }
}
const render = (err: unknown, opts: { json?: boolean; verbose?: boolean } = {}) => {
  const out = sink()
  const err_ = sink()
  const code = renderError(err, { ...opts, stdout: out.stream, stderr: err_.stream })
  return { code, stdout: out.text(), stderr: err_.text() }
}

describe('renderError', () => {
  it('prints one line and a hint, and returns the kind’s exit code', () => {
    expect(render(new WrapixError('policy', 'refusing to mount /', 'name it with -v'))).toEqual({ code: 5, stdout: '', stderr: 'wrapix: refusing to mount /\nhint: name it with -v\n' })
  })

  it('turns a commander error into one usage line', () => {
    const r = render(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--memry'\n(Did you mean --memory?)"))
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe("wrapix: unknown option '--memry' (Did you mean --memory?)")
  })

  it('leaves help and version to commander', () => {
    expect(render(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(render(new CommanderError(1, 'commander.help', '(outputHelp)'))).toEqual({ code: 2, stdout: '', stderr: '' })
  })

  it('reports an unexpected error as internal (125), without a stack unless --verbose', () => {
    const quiet = render(new TypeError('x is undefined'))
    expect(quiet.code).toBe(125)
    expect(quiet.stderr).toBe('wrapix: x is undefined\nhint: rerun with --verbose and report it\n')
    expect(render(new TypeError('x is undefined'), { verbose: true }).stderr).toMatch(/\n\s+at /)
  })

  it('with --json prints the error object on stdout only', () => {
    const r = render(new WrapixError('config', 'bad file', 'fix it'), { json: true })
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, kind: 'config', exitCode: 3, message: 'bad file', hint: 'fix it' })
  })

  it('masks secret-shaped text in the message', () => {
    const token = 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdWXYZ'
    expect(render(new WrapixError('usage', `bad value ${token}`)).stderr).not.toContain(token.slice(0, 20))
  })
})
