// Start-up on an image cache hit: time from spawning `wrapix` to the moment it invokes `podman run`, when the
// profile's image already exists. A podman shim first on PATH records when `run` is called (and does not run it);
// every other podman call (image inspect, …) goes to the real podman. Also times ensureImage() alone.
// Needs `npm run build` (imports dist/) and real podman. Target: median <= 150 ms.
import { spawn, execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15)
const PROFILE = process.env.BENCH_PROFILE ?? 'base'
const realPodman = execFileSync('sh', ['-c', 'command -v podman'], { encoding: 'utf8' }).trim()
const dir = mkdtempSync(join(tmpdir(), 'wrapix-bench-image-'))
const stamp = join(dir, 'run-invoked')
const shimDir = join(dir, 'bin')
execFileSync('mkdir', ['-p', shimDir, join(dir, 'project')])
// `podman [global flags] run …` → note the time (date, in ns: a node here would add its own start-up) and exit;
// anything else → the real podman.
writeFileSync(join(shimDir, 'podman'), `#!/bin/sh
for a in "$@"; do case "$a" in run) date +%s%N > '${stamp}'; exit 0;; -*) ;; *) break;; esac; done
exec '${realPodman}' "$@"
`)
chmodSync(join(shimDir, 'podman'), 0o755)

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const env = { ...process.env, PATH: `${shimDir}:${process.env.PATH}`, WRAPIX_PROFILE: PROFILE, WRAPIX_NO_MICROVM: '1' }

// 1. ensureImage() alone, in process (the image is built first if missing, outside the timing).
const { ensureImage } = await import(join(ROOT, 'dist/image/ensure.js'))
const { loadProfile, BUILTIN_PROFILES_DIR } = await import(join(ROOT, 'dist/config/profiles.js'))
const { probeHost } = await import(join(ROOT, 'dist/host/probe.js'))
const host = probeHost()
const { profile } = loadProfile(PROFILE, { builtin: BUILTIN_PROFILES_DIR })
const first = await ensureImage(PROFILE, profile, host, { onProgress: (s) => process.stderr.write(`  building: ${s}\r`) })
const ensureMs = []
for (let i = 0; i < ROUNDS; i++) {
  const t = performance.now()
  const r = await ensureImage(PROFILE, profile, host)
  ensureMs.push(performance.now() - t)
  if (r.built) throw new Error('cache hit expected, but the image was built')
}

// 2. The whole CLI: spawn bin/wrapix until it invokes `podman run`.
const startMs = []
for (let i = 0; i < ROUNDS; i++) {
  rmSync(stamp, { force: true })
  const t0 = performance.timeOrigin + performance.now()
  const child = spawn(process.execPath, [join(ROOT, 'bin/wrapix.js'), 'shell', '--boundary', 'container', '--network', 'none', '--', 'true'], {
    cwd: join(dir, 'project'), env, stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  await new Promise((resolve) => child.on('exit', resolve))
  if (!existsSync(stamp)) {
    process.stderr.write(`wrapix never invoked podman run; stderr:\n${stderr}\n`)
    break
  }
  startMs.push(Number(readFileSync(stamp, 'utf8').trim()) / 1e6 - t0)
}
rmSync(dir, { recursive: true, force: true })

const report = {
  image: first.ref,
  ensureImageHitMedianMs: Math.round(median(ensureMs) * 10) / 10,
  startToRuntimeMedianMs: startMs.length ? Math.round(median(startMs)) : null,
  rounds: ROUNDS,
  targetMs: 150,
}
console.log(JSON.stringify(report))
