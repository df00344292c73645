#!/usr/bin/env -S node --
// wrapix launcher: runs the compiled CLI (npm run build). `--version` is answered without loading it.
// The `--` in the first line matters: Node 20 reads `--env-file` anywhere in argv (even after the script)
// and would load the file itself; after `--`, every argument is wrapix's own.
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`)
} else {
  const { main } = await import('../dist/bundle/main.js')
  const code = await main(args)
  process.exitCode = code || process.exitCode || 0
}
