// `wrapix profile ls|show`: which profiles exist and what one resolves to.
import chalk from 'chalk'
import { stringify } from 'yaml'
import { projectProfilesDir, wrapixPaths } from '../config/paths.js'
import { BUILTIN_PROFILES_DIR, listProfiles, parseProfile } from '../config/profiles.js'
import { probeHost } from '../host/probe.js'
import { loadLayers, loadProfileFor } from '../config/load-layers.js'
import { pathFact } from '../session/prepare.js'
import { readFileSync } from 'node:fs'
import { printJson, type GlobalOptions } from './output.js'

function context() {
  const host = probeHost()
  const paths = wrapixPaths(process.env, host.user.home, host.user.uid)
  const workspace = pathFact(process.cwd()).realPath
  return { paths, workspace }
}

export async function profileList(globals: GlobalOptions): Promise<number> {
  const { paths, workspace } = context()
  const profiles = listProfiles({ project: projectProfilesDir(workspace), user: paths.userProfilesDir, builtin: BUILTIN_PROFILES_DIR }).map((p) => {
    let description = ''
    try {
      description = parseProfile(readFileSync(p.file, 'utf8'), p.file).description
    } catch {
      description = '(invalid: see wrapix profile show)'
    }
    return { ...p, description }
  })
  if (globals.json) {
    printJson({ ok: true, profiles })
    return 0
  }
  const width = Math.max(4, ...profiles.map((p) => p.name.length))
  for (const p of profiles) process.stdout.write(`${p.name.padEnd(width)}  ${chalk.dim(p.source.padEnd(7))}  ${p.description}\n`)
  return 0
}

export async function profileShow(name: string, globals: GlobalOptions): Promise<number> {
  const { paths, workspace } = context()
  const resolved = loadProfileFor(name, paths, workspace, loadLayers(paths, workspace))
  if (globals.json) {
    printJson({ ok: true, name, digest: resolved.digest, chain: resolved.chain.map(({ name: n, file, source }) => ({ name: n, file, source })), profile: resolved.profile })
    return 0
  }
  process.stdout.write(chalk.dim(`# ${resolved.chain.map((l) => `${l.name} (${l.file})`).join(' → ')}\n# digest ${resolved.digest}\n`))
  const { extends: _parent, ...profile } = resolved.profile
  process.stdout.write(stringify(profile))
  return 0
}
