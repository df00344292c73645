// The wrapix installation's root directory (holding package.json, profiles/, nix/), found from this module
// whether it runs from src/ (tsx, tests), dist/ (tsc) or the dist/bundle/ start-up bundle.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'wrapix') return dir
    dir = dirname(dir)
  }
  throw new Error('wrapix: cannot find the installation directory (package.json); reinstall wrapix')
}

export const PACKAGE_ROOT = findRoot()
