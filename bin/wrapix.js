#!/usr/bin/env -S node --
// wrapix launcher: runs the compiled CLI (npm run build). `--version` is answered without loading it.
// The `--` in the first line matters: Node 20 reads `--env-file` anywhere in argv (even after the script)
// and would load the file itself; after `--`, every argument is wrapix's own.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`)
} else {
  // One CommonJS bundle, compiled with V8's code cache from the user's cache dir (src/cli/code-cache.ts).
  const { loadBundle } = await import('../dist/cli/code-cache.js')
  const bundle = loadBundle(fileURLToPath(new URL('../dist/bundle/wrapix.cjs', import.meta.url)))
  const code = await bundle.exports.main(args)
  // After the run, so the cache holds what it compiled; only after a success (bad input writes nothing anywhere).
  if (code === 0) bundle.saveCache()
  process.exitCode = code || process.exitCode || 0
}
