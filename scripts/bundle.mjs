// Bundles the command-line entry points with esbuild, so start-up loads a few files instead of hundreds
// (zod, execa, commander … as separate ES modules cost ~300 ms to resolve). Commands stay lazily loaded chunks.
// wrapix itself is one CommonJS file instead, which bin/wrapix.js compiles with V8's code cache
// (src/cli/code-cache.ts): Node 20 caches no compiled ES modules, and compiling is most of the start-up.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'

rmSync('dist/bundle', { recursive: true, force: true }) // chunk names carry hashes: old ones would pile up

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // ssh2 loads optional native addons at run time; it stays a regular dependency.
  external: ['ssh2', 'cpu-features'],
  logLevel: 'warning',
}

await build({
  ...common,
  entryPoints: {
    'setup-deploy-key': 'src/cli/setup-deploy-key-main.ts',
    'wrapix-builder': 'src/cli/builder-main.ts',
    ralph: 'src/cli/ralph-main.ts',
  },
  outdir: 'dist/bundle',
  splitting: true,
  format: 'esm',
  banner: { js: "import { createRequire as __wrapixCreateRequire } from 'node:module'; const require = __wrapixCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
})

// Lazily loaded commands are still evaluated only when used (esbuild wraps them); only their compiling is up front.
await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/bundle/wrapix.cjs',
  format: 'cjs',
  define: { 'import.meta.url': '__wrapixModuleUrl' },
  charset: 'ascii',
  minifyWhitespace: true, // also drops comments: the file is smaller and pure ASCII (names are kept for stack traces)
  banner: { js: "var __wrapixModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
})
