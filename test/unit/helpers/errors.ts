// Catching the WrapixError a call throws, so a test can check its kind, message and hint separately.
import { WrapixError } from '../../../src/errors.js'

export function thrownBy(fn: () => unknown): WrapixError {
  try {
    fn()
  } catch (err) {
    if (err instanceof WrapixError) return err
    throw new Error(`expected a WrapixError, got: ${String(err)}`)
  }
  throw new Error('expected a WrapixError, but nothing was thrown')
}
