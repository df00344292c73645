// Start-up on an image cache hit: time from spawning `wrapix` to the moment it invokes `podman run`, when the
// profile's image already exists. The profile is a throwaway one (extends: base) in a scratch HOME, whose image
// tag is made to exist by tagging the local base image with it (removed at the end): so no build, no network,
// and no other profile image is touched. A podman shim first on PATH records when `run` is called (and does not
// run it); every other podman call (image inspect, …) goes to the real podman. Also times ensureImage() alone.
// Needs `npm run build` (imports dist/) and real podman. Target: median <= 150 ms.
import { spawn, execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15)
const BASE_IMAGE = process.env.WRAPIX_TEST_BASE_IMAGE ?? 'localhost/wrapix-base:bookworm'
const PROFILE = `bench${process.pid}`
const realPodman = execFileSync('sh', ['-c', 'command -v podman'], { encoding: 'utf8' }).trim()
const dir = mkdtempSync(join(tmpdir(), 'wrapix-bench-image-'))
const stamp = join(dir, 'run-invoked')
const shimDir = join(dir, 'bin')
const project = join(dir, 'project')
const home = join(dir, 'home')
for (const d of [shimDir, project, join(home, '.config', 'wrapix', 'profiles')]) mkdirSync(d, { recursive: true })
writeFileSync(join(home, '.config', 'wrapix', 'profiles', `${PROFILE}.yaml`), 'description: start-up benchmark\nextends: base\n')
// `podman [global flags] run …` → note the time (date, in ns: a node here would add its own start-up) and exit;
// anything else → the real podman.
writeFileSync(join(shimDir, 'podman'), `#!/bin/sh
for a in "$@"; do case "$a" in run) date +%s%N > '${stamp}'; exit 0;; -*) ;; *) break;; esac; done
exec '${realPodman}' "$@"
`)
chmodSync(join(shimDir, 'podman'), 0o755)

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'), XDG_CACHE_HOME: join(home, '.cache'), WRAPIX_PROFILE: PROFILE, WRAPIX_NO_MICROVM: '1' }
for (const name of Object.keys(env)) if (name.startsWith('WRAPIX_') && name !== 'WRAPIX_PROFILE' && name !== 'WRAPIX_NO_MICROVM') delete env[name]
const wrapixArgs = [join(ROOT, 'bin/wrapix.js'), 'run', '--boundary', 'container', '--network', 'none', '--', 'true']

const dry = JSON.parse(execFileSync(process.execPath, [wrapixArgs[0], '--json', ...wrapixArgs.slice(1, -2), '--dry-run', '--', 'true'], { cwd: project, env, encoding: 'utf8' }))
const tag = dry.plan.image
execFileSync(realPodman, ['tag', BASE_IMAGE, tag])
try {
  // 1. ensureImage() alone, in process: the cache hit is one image inspect.
  const { ensureImage } = await import(join(ROOT, 'dist/image/ensure.js'))
  const { loadProfile, BUILTIN_PROFILES_DIR } = await import(join(ROOT, 'dist/config/profiles.js'))
  const { probeHost } = await import(join(ROOT, 'dist/host/probe.js'))
  const host = probeHost(env)
  const { profile } = loadProfile(PROFILE, { builtin: BUILTIN_PROFILES_DIR, user: join(home, '.config', 'wrapix', 'profiles') })
  const ensureMs = []
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now()
    const r = await ensureImage(PROFILE, profile, host, { env })
    ensureMs.push(performance.now() - t)
    if (r.built || r.ref !== tag) throw new Error(`cache hit on ${tag} expected, got ${r.ref}${r.built ? ' (built)' : ''}`)
  }

  // 2. The whole CLI: spawn bin/wrapix until it invokes `podman run`.
  const startMs = []
  for (let i = 0; i < ROUNDS + 1; i++) {
    rmSync(stamp, { force: true })
    const t0 = performance.timeOrigin + performance.now()
    const child = spawn(process.execPath, wrapixArgs, { cwd: project, env: { ...env, PATH: `${shimDir}:${process.env.PATH}` }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => { stderr += d })
    await new Promise((resolve) => child.on('exit', resolve))
    if (!existsSync(stamp)) {
      process.stderr.write(`wrapix never invoked podman run; stderr:\n${stderr}\n`)
      break
    }
    if (i > 0) startMs.push(Number(readFileSync(stamp, 'utf8').trim()) / 1e6 - t0) // the first run fills the caches
  }
  const report = {
    image: tag,
    ensureImageHitMedianMs: Math.round(median(ensureMs) * 10) / 10,
    startToRuntimeMedianMs: startMs.length ? Math.round(median(startMs)) : null,
    rounds: ROUNDS,
    targetMs: 150,
    samples: { startToRuntimeMs: startMs.map((x) => Math.round(x * 10) / 10), ensureImageHitMs: ensureMs.map((x) => Math.round(x * 10) / 10) },
  }
  console.log(JSON.stringify(report))
} finally {
  execFileSync(realPodman, ['untag', tag, tag]) // only this name: without one, untag would strip the base image's own
  rmSync(dir, { recursive: true, force: true })
}
