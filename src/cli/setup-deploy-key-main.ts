// The `setup-deploy-key` program: the same command as `wrapix keys setup`, on its own.
import { Command } from 'commander'
import { addSetupOptions, setupAction, type SetupFlags } from './keys.js'
import type { GlobalOptions } from './output.js'
import { addGlobalOptions, runProgram } from './run-program.js'
import { VERSION } from './version.js'

export async function main(args: readonly string[]): Promise<number> {
  const program = addSetupOptions(
    addGlobalOptions(new Command('setup-deploy-key')
      .description('create an ed25519 deploy key and signing key for this GitHub repository and register both')
      .version(`setup-deploy-key ${VERSION}`, '-V, --version'))
      .exitOverride()
      .configureOutput({ outputError: () => {} }), // renderError prints commander's errors as one wrapix line
  ).action(async (name: string | undefined, flags: SetupFlags & GlobalOptions) => {
    await setupAction(name, flags, flags)
  })
  return runProgram(program, args)
}
