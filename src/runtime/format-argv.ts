// Quoting argv for humans (--dry-run, records, verbose logs). Never executed: processes get arrays.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/

export function quoteArg(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

export function formatArgv(argv: readonly string[], redact: (text: string) => string = (t) => t): string {
  return argv.map((arg) => quoteArg(redact(arg))).join(' ')
}
