// The secret variables as a file the entrypoint reads (krun: see SandboxPlan.secretsVia). Pure.
import { WrapixError } from '../errors.js'

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** One `export NAME='value'` line each; single quotes keep every byte literal, a quote inside is closed and escaped. */
export function secretEnvFileContent(secrets: Readonly<Record<string, string>>): string {
  return Object.entries(secrets)
    .map(([name, value]) => {
      if (!NAME.test(name)) throw new WrapixError('usage', `-e ${name}: not a valid variable name`, 'use letters, digits and _ only, not starting with a digit')
      return `export ${name}='${value.replace(/'/g, `'\\''`)}'\n`
    })
    .join('')
}
