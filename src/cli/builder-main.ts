// The `wrapix-builder` program: start|stop|status|ssh|config|setup. Parsing and rendering only.
import { arch, homedir, platform } from 'node:os'
import { existsSync } from 'node:fs'
import { Command } from 'commander'
import type { BuilderStatus } from '../builder/builder-service.js'
import { type BuilderSettings, resolveBuilderSettings } from '../builder/builder-settings.js'
import { type GlobalOptions, note, printJson, warn } from './output.js'
import { addGlobalOptions, runProgram } from './run-program.js'
import { VERSION } from './version.js'
import { EXIT_CODES } from '../errors.js'

interface BuilderGlobals extends GlobalOptions {
  port?: string
  name?: string
  baseImage?: string
}

const settingsOf = (g: BuilderGlobals): BuilderSettings =>
  resolveBuilderSettings(homedir(), process.env, platform(), {
    ...(g.port ? { port: g.port } : {}),
    ...(g.name ? { name: g.name } : {}),
    ...(g.baseImage ? { baseImage: g.baseImage } : {}),
  })

function printStatus(status: BuilderStatus, g: GlobalOptions): void {
  for (const w of status.warnings) warn(w, g)
  if (g.json) return printJson(status)
  const ssh = status.ssh === null ? '-' : status.ssh.ok ? `ok (${status.ssh.nix}, daemon ${status.ssh.daemon ? 'ok' : 'NOT running'})` : `FAILED: ${status.ssh.error}`
  process.stdout.write([
    `builder    ${status.name} on ${status.address}`,
    `container  ${status.container}`,
    `ssh        ${ssh}`,
    `client key ${status.clientFingerprint ?? '-'}${status.keyCreated ? ` (created ${status.keyCreated.slice(0, 10)})` : ''}`,
    `host key   ${status.hostFingerprint ?? '-'}`,
    '',
  ].join('\n'))
}

async function requireRecord(settings: BuilderSettings) {
  const { requireBuilderRecord } = await import('../builder/builder-keys.js')
  return requireBuilderRecord(settings)
}

export function builderProgram(setExit: (code: number) => void): Command {
  const program = addGlobalOptions(new Command('wrapix-builder')
    .description('a long-lived Linux builder (sshd + Nix daemon) on 127.0.0.1 for remote Nix builds')
    .version(`wrapix-builder ${VERSION}`, '-V, --version'))
    .option('--port <port>', 'port on 127.0.0.1 (default $WRAPIX_BUILDER_PORT or 2222)')
    .option('--name <name>', 'container name (default wrapix-builder)')
    .option('--base-image <ref>', 'image the builder image is built from (default localhost/wrapix-base:bookworm)')
    .exitOverride()
    .configureOutput({ outputError: () => {} }) // renderError prints commander's errors as one wrapix line
  const g = (cmd: Command) => cmd.optsWithGlobals<BuilderGlobals>()

  program.command('start').description('build the image if needed and start the builder').action(async (_o, cmd: Command) => {
    const { startBuilder } = await import('../builder/builder-service.js')
    printStatus(await startBuilder(settingsOf(g(cmd)), new Date()), g(cmd))
  })
  program.command('stop').description('stop and remove the builder container (the /nix store volume stays)')
    .option('--purge', 'also delete the /nix store volume')
    .action(async (o: { purge?: boolean }, cmd: Command) => {
      const { stopBuilder } = await import('../builder/builder-service.js')
      const before = await stopBuilder(settingsOf(g(cmd)), { purge: o.purge ?? false })
      if (g(cmd).json) return printJson({ ok: true, was: before })
      note(before === 'absent' ? 'the builder was not running' : 'builder stopped', g(cmd))
    })
  program.command('status').description('container state, and an SSH check with the pinned host key').action(async (_o, cmd: Command) => {
    const { builderStatus } = await import('../builder/builder-service.js')
    const status = await builderStatus(settingsOf(g(cmd)), new Date())
    printStatus(status, g(cmd))
    // Not running or not reachable is a host state, exit 4 like every other host problem (README: exit codes).
    if (status.container !== 'running' || status.ssh?.ok !== true) setExit(EXIT_CODES.host)
  })
  program.command('ssh').description('an SSH session on the builder (or run CMD)').argument('[cmd...]', 'command to run')
    .action(async (cmd: string[], _o, command: Command) => {
      const { sshIntoBuilder } = await import('../builder/builder-service.js')
      setExit(await sshIntoBuilder(settingsOf(g(command)), cmd, cmd.length === 0 && process.stdin.isTTY === true))
    })
  program.command('config').description('print the ssh_config block and the Nix buildMachines entry').action(async (_o, cmd: Command) => {
    const settings = settingsOf(g(cmd))
    const record = await requireRecord(settings)
    const { builderSshConfig, nixBuildMachine } = await import('../builder/builder-setup.js')
    const machine = nixBuildMachine(settings, record, arch())
    if (g(cmd).json) return printJson({ sshConfig: builderSshConfig(settings), nix: machine.nix, machinesLine: machine.machinesLine })
    process.stdout.write(`# ~/.ssh/config (and root's, for the Nix daemon)\n${builderSshConfig(settings)}\n# nix-darwin / NixOS\n${machine.nix}\n# /etc/nix/machines\n${machine.machinesLine}`)
  })
  program.command('setup').description('install the ssh_config block and the Nix build machine (asks first)')
    .option('-y, --yes', 'do it without asking')
    .action(async (o: { yes?: boolean }, cmd: Command) => {
      const opts = g(cmd)
      const settings = settingsOf(opts)
      const record = await requireRecord(settings)
      const { applySetupAction, builderSetupActions } = await import('../builder/builder-setup.js')
      const target = { home: homedir(), root: '/', arch: arch(), nixDarwin: existsSync('/run/current-system/darwin-version') }
      const actions = builderSetupActions(settings, record, target)
      if (opts.input === false && !o.yes) {
        if (opts.json) return printJson({ ok: true, dryRun: true, actions })
        for (const a of actions) process.stdout.write(`would update ${a.path} (${a.description}${a.system ? '; needs root' : ''}):\n${a.content}\n`)
        return
      }
      const { confirm } = await import('./prompts.js')
      const done: string[] = []
      for (const a of actions) {
        if (!o.yes && !(await confirm(`update ${a.path}? (${a.description})`, true))) continue
        if ((await applySetupAction(a, settings.name)) === 'changed') done.push(a.path)
      }
      if (target.nixDarwin) note('nix-darwin manages /etc/nix: add the nix.buildMachines entry from `wrapix-builder config` to your configuration', opts)
      if (opts.json) return printJson({ ok: true, changed: done })
      note(done.length ? `updated ${done.join(', ')}` : 'nothing to change', opts)
    })
  return program
}

export async function main(args: readonly string[]): Promise<number> {
  let exitCode = 0
  return runProgram(builderProgram((code) => (exitCode = code)), args, () => exitCode)
}
