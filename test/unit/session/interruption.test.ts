// What a session record says ended the session, from the signal wrapix got, a dead helper and the exit code.
import { describe, expect, it } from 'vitest'
import { interruptionOf } from '../../../src/session/launch.js'

describe('interruptionOf', () => {
  it('records nothing for a Ctrl-C the command caught and ran on from', () => {
    expect(interruptionOf('SIGINT', null, 0)).toBeNull()
    expect(interruptionOf('SIGINT', null, 1)).toBeNull()
  })
  it('records a Ctrl-C the command died of', () => {
    expect(interruptionOf('SIGINT', null, 130)).toMatchObject({ cause: 'signal', signal: 'SIGINT' })
  })
  it('records SIGTERM and SIGHUP whatever the exit code: wrapix stopped the sandbox for them', () => {
    expect(interruptionOf('SIGTERM', null, 0)).toMatchObject({ cause: 'signal', signal: 'SIGTERM' })
    expect(interruptionOf('SIGHUP', null, 143)).toMatchObject({ cause: 'signal', signal: 'SIGHUP', detail: expect.stringContaining('terminal closed') })
  })
  it('records a dead helper, and nothing for a plain exit', () => {
    expect(interruptionOf(null, 'podman was killed (SIGKILL) while the sandbox ran', null)).toMatchObject({ cause: 'helper' })
    expect(interruptionOf(null, null, 3)).toBeNull()
  })
})
