// Bundles the command-line entry points with esbuild, so start-up loads a few files instead of hundreds
// (zod, execa, commander … as separate ES modules cost ~300 ms to resolve). Commands stay lazily loaded chunks.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'

rmSync('dist/bundle', { recursive: true, force: true }) // chunk names carry hashes: old ones would pile up

await build({
  entryPoints: {
    main: 'src/cli/main.ts',
    'setup-deploy-key': 'src/cli/setup-deploy-key-main.ts',
    'wrapix-builder': 'src/cli/builder-main.ts',
    ralph: 'src/cli/ralph-main.ts',
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ssh2 loads optional native addons at run time; it stays a regular dependency.
  external: ['ssh2', 'cpu-features'],
  banner: { js: "import { createRequire as __wrapixCreateRequire } from 'node:module'; const require = __wrapixCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
})
