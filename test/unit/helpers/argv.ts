// Reading argv arrays the way a runtime does: every value after a flag, or whether a flag is present at all.

/** Each value that follows `flag` in argv, in order (`--env A=1 --env B` → ['A=1', 'B']). */
export function valuesOf(argv: readonly string[], flag: string): string[] {
  const values: string[] = []
  argv.forEach((arg, i) => {
    if (arg === flag && i + 1 < argv.length) values.push(argv[i + 1]!)
  })
  return values
}

/** The argv elements before the podman subcommand (`run`): global options. */
export const globalOptions = (argv: readonly string[]): string[] => argv.slice(0, argv.indexOf('run'))
