// The `setup-deploy-key` program: the same command as `wrapix keys setup`, on its own.
import { Command } from 'commander'
import { addSetupOptions, setupAction, type SetupFlags } from './keys.js'
import type { GlobalOptions } from './output.js'
import { renderError } from './render-error.js'

export async function main(args: readonly string[]): Promise<number> {
  const program = addSetupOptions(
    new Command('setup-deploy-key')
      .description('create an ed25519 deploy key and signing key for this GitHub repository and register both')
      .option('--json', 'machine-readable output on stdout')
      .option('--verbose', 'show stack traces')
      .exitOverride()
      .configureOutput({ outputError: () => {} }), // renderError prints commander's errors as one wrapix line
  ).action(async (name: string | undefined, flags: SetupFlags & GlobalOptions) => {
    await setupAction(name, flags, flags)
  })
  try {
    await program.parseAsync(args, { from: 'user' })
    return 0
  } catch (err) {
    const opts = program.opts<GlobalOptions>()
    return renderError(err, { json: opts.json, verbose: opts.verbose })
  }
}
