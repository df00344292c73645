// `wrapix keys setup|ls|rotate|rm` (and the options `setup-deploy-key` shares): parsing and rendering only.
import { hostname, homedir, platform } from 'node:os'
import type { Command } from 'commander'
import { resolveBuilderSettings } from '../builder/builder-settings.js'
import type { KeyRecord } from '../keys/key-record.js'
import type { KeysContext, SetupOptions } from '../keys/deploy-keys.js'
import { keyPaths } from '../keys/key-store.js'
import { type GlobalOptions, note, printJson, warn } from './output.js'

export interface SetupFlags {
  force?: boolean
  readOnly?: boolean
  signing: boolean // --no-signing sets false
  githubApi?: string
  repo?: string
  json?: boolean
}

export function keysContext(flags: { githubApi?: string } = {}): KeysContext {
  return {
    home: homedir(),
    cwd: process.cwd(),
    hostname: hostname(),
    env: process.env,
    now: new Date(),
    ...(flags.githubApi ? { githubApi: flags.githubApi } : {}),
  }
}

/** The options of `setup-deploy-key` and `wrapix keys setup`. */
export function addSetupOptions(cmd: Command): Command {
  return cmd
    .argument('[name]', 'key name (default: <repo>-<short hostname>)')
    .option('-f, --force', 'replace an existing key of that name, locally and on GitHub')
    .option('--read-only', 'register the deploy key without write access (fetch only)')
    .option('--no-signing', 'no separate commit-signing key')
    .option('--github-api <url>', 'GitHub REST API base (GitHub Enterprise; default $GITHUB_API_URL or https://api.github.com)')
    .option('--repo <owner/repo>', "register for this repository instead of the checkout's origin")
}

function describeKey(record: KeyRecord, home: string): string {
  const access = record.readOnly ? 'read-only' : 'read-write'
  return [
    `deploy key "${record.name}" for ${record.repository} (${access}) is registered`,
    `  deploy   ${record.deploy.fingerprint}  ${keyPaths(home, record.name).privateKey}`,
    ...(record.signing ? [`  signing  ${record.signing.fingerprint}  ${keyPaths(home, record.name).signingPrivateKey}`] : []),
  ].join('\n')
}

export async function setupAction(name: string | undefined, flags: SetupFlags, globals: GlobalOptions): Promise<void> {
  const { setupDeployKey } = await import('../keys/deploy-keys.js')
  const ctx = keysContext(flags)
  const opts: SetupOptions = {
    force: flags.force ?? false,
    readOnly: flags.readOnly ?? false,
    signing: flags.signing,
    ...(name ? { name } : {}),
    ...(flags.repo ? { repository: flags.repo } : {}),
  }
  const change = await setupDeployKey(ctx, opts)
  for (const notice of change.notices) warn(notice, globals)
  if (globals.json) return printJson({ ok: true, key: change.record, replaced: change.replaced?.name ?? null, notices: change.notices })
  if (!globals.quiet) process.stdout.write(`${describeKey(change.record, ctx.home)}\n`)
  if (change.replaced) note(`replaced the previous key ${change.replaced.deploy.fingerprint}`, globals)
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('deploy keys, signing keys and the builder key: set up, list, rotate, remove')

  addSetupOptions(keys.command('setup').description('create a deploy key and a signing key for this repository and register them with GitHub'))
    .action(async (name: string | undefined, flags: SetupFlags, cmd: Command) => {
      await setupAction(name, flags, cmd.optsWithGlobals<GlobalOptions>())
    })

  keys
    .command('ls')
    .description('list keys with their age (deploy keys should be rotated after 90 days, the builder key after 180)')
    .option('--check', 'ask GitHub whether each deploy key is still registered')
    .action(async (flags: { check?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const { listKeyRecords } = await import('../keys/key-store.js')
      const { keyRows, formatKeyTable } = await import('../keys/key-list.js')
      const { readBuilderRecord } = await import('../builder/builder-keys.js')
      const ctx = keysContext()
      const { records, problems } = await listKeyRecords(ctx.home)
      const settings = resolveBuilderSettings(ctx.home, process.env, platform())
      const b = await readBuilderRecord(settings)
      const builder = b ? { name: settings.name, address: `${settings.host}:${settings.port}`, created: b.created, fingerprint: b.clientFingerprint } : null
      let rows = keyRows(records, builder, ctx.now)
      if (flags.check) {
        const { checkRemoteKeys } = await import('../keys/deploy-keys.js')
        const remote = await checkRemoteKeys(ctx, records)
        rows = rows.map((r) => (remote.get(r.name) === false ? { ...r, registered: false, warning: `deploy key "${r.name}" is no longer registered on GitHub: setup-deploy-key ${r.name} -f` } : r))
      }
      if (globals.json) return printJson({ keys: rows, problems })
      if (rows.length === 0) note('no keys yet; create one in your project with: setup-deploy-key', globals)
      else process.stdout.write(`${formatKeyTable(rows)}\n`)
      for (const row of rows) if (row.warning) warn(row.warning, globals)
      for (const p of problems) warn(`${p.file}: ${p.message}`, globals)
    })

  keys
    .command('rotate <name>')
    .description('new key pair, registered first; then the old one is removed from GitHub and disk ("builder" rotates the builder key)')
    .option('--github-api <url>', 'GitHub REST API base')
    .action(async (name: string, flags: { githubApi?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const ctx = keysContext(flags)
      if (name === 'builder') {
        const { rotateBuilderKeys } = await import('../builder/builder-service.js')
        const record = await rotateBuilderKeys(resolveBuilderSettings(ctx.home, process.env, platform()), ctx.now)
        if (globals.json) return printJson({ ok: true, builder: record })
        process.stdout.write(`builder client key rotated: ${record.clientFingerprint}\n`)
        return
      }
      const { rotateDeployKey } = await import('../keys/deploy-keys.js')
      const change = await rotateDeployKey(ctx, name)
      for (const notice of change.notices) warn(notice, globals)
      if (globals.json) return printJson({ ok: true, key: change.record, replaced: change.replaced?.name ?? null, notices: change.notices })
      if (!globals.quiet) process.stdout.write(`${describeKey(change.record, ctx.home)}\n`)
    })

  keys
    .command('rm <name>')
    .description('remove a deploy key (and its signing key) from GitHub, then from this machine')
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const { removeDeployKey } = await import('../keys/deploy-keys.js')
      const result = await removeDeployKey(keysContext(), name)
      for (const notice of result.notices) warn(notice, globals)
      if (globals.json) return printJson({ ok: true, removed: name, notices: result.notices })
      process.stdout.write(`removed deploy key "${name}"${result.removed ? ` (${result.removed.repository})` : ''}\n`)
    })
}
