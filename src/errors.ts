// The one error type of wrapix: a kind (which maps to the exit code), a one-line message and a hint.
// Thrown where the problem is found; rendered once, at the CLI edge (src/cli/render-error.ts).

export const EXIT_CODES = {
  usage: 2,
  config: 3,
  host: 4,
  policy: 5,
  timeout: 124,
  internal: 125,
} as const

export type ErrorKind = keyof typeof EXIT_CODES

export class WrapixError extends Error {
  override readonly name = 'WrapixError'
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind]
  }
}
