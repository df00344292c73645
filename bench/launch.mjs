// Launch overhead: a default wrapix launch of `true` against raw `podman run` of the same sandbox, in the same run.
// The raw baseline is the exact argv wrapix prints for `--network none` (same mounts, limits, entrypoint), run
// without wrapix: so the `none` overhead is wrapix's own work (node, plan, record, session git, setpriv), and the
// `limit` overhead adds the proxy, its socket dir and the in-sandbox relay's start. Rounds rotate the order of
// the three runs so none of them always runs first (the machine is shared and noisy).
// Also the CPU time of the wrapix process itself (process.cpuUsage() at exit, children excluded), beside `node -e 0`.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'

const HERE = dirname(fileURLToPath(import.meta.url))
const CPU_PRELOAD = pathToFileURL(join(HERE, 'cpu-usage.mjs')).href

/** Wall time of one process from spawn to exit (ms); throws when it fails. */
export function timeProcess(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('exit', (code) => {
      const ms = performance.now() - t0
      if (code === 0) resolve(ms)
      else reject(new Error(`${file} ${args.slice(0, 6).join(' ')} … exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`))
    })
  })
}

/** CPU time (user + system, ms) of one node process running `args`, measured inside it by bench/cpu-usage.mjs. */
export async function cpuOfNode(args, opts, outFile) {
  rmSync(outFile, { force: true })
  await timeProcess(process.execPath, ['--import', CPU_PRELOAD, ...args], { ...opts, env: { ...(opts.env ?? process.env), BENCH_CPU_OUT: outFile } })
  const { user, system } = JSON.parse(readFileSync(outFile, 'utf8'))
  return (user + system) / 1000
}

/**
 * Runs every function of `runs` once per round, rotating their order each round, after `warmup` rounds.
 * Returns the samples by name.
 */
export async function rotate(rounds, runs, warmup = 1) {
  const names = Object.keys(runs)
  for (let i = 0; i < warmup; i++) for (const name of names) await runs[name]()
  const samples = Object.fromEntries(names.map((n) => [n, []]))
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]
      samples[name].push(await runs[name]())
    }
  }
  return samples
}

/**
 * The launch samples of one boundary (container = crun, gvisor = runsc): raw podman, wrapix --network none,
 * wrapix with the default limit network. `s` is a scratch project (see run.mjs).
 */
export async function launchSamples({ wrapix, baseImage, boundary, rounds, s, log }) {
  const flags = ['--boundary', boundary, '--image', baseImage]
  const dry = JSON.parse(execFileSync(process.execPath, [wrapix, '--json', ...flags, '--network', 'none', '--dry-run', '--', 'true'], { cwd: s.project, env: s.env, encoding: 'utf8' }))
  // The raw run gets what wrapix's launch writes before podman starts (session files and the mount points in
  // them, the session's dirs, .wrapix/log), in its own dir; then the same argv with its own container name.
  const sessionDir = dirname(dry.plan.filesDir)
  const rawDir = join(s.dir, `raw-${boundary}`)
  const moved = (path) => join(rawDir, relative(sessionDir, path))
  for (const arg of dry.argv) {
    const source = /(?:^|,)source=([^,]+)/.exec(arg)?.[1]
    if (source?.startsWith(`${sessionDir}/`)) mkdirSync(moved(source), { recursive: true })
  }
  for (const file of dry.plan.files) {
    const path = join(moved(dry.plan.filesDir), relative('/etc/wrapix', file.dest))
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, file.content)
    chmodSync(path, file.mode)
  }
  for (const mount of dry.plan.mounts) {
    if (mount.kind !== 'bind' || !mount.dest.startsWith('/etc/wrapix/')) continue
    const target = join(moved(dry.plan.filesDir), relative('/etc/wrapix', mount.dest))
    if (statSync(mount.source).isDirectory()) mkdirSync(target, { recursive: true })
    else mkdirSync(dirname(target), { recursive: true }), writeFileSync(target, '')
  }
  mkdirSync(join(s.project, '.wrapix', 'log'), { recursive: true })
  const baseArgv = dry.argv.slice(1).map((arg) => arg.replace(`source=${sessionDir}/`, `source=${rawDir}/`))
  let n = 0
  const runs = {
    raw: () => {
      const name = `wrapix-bench-${process.pid}-${boundary}-${n++}`
      return timeProcess('podman', baseArgv.map((arg) => (arg === dry.plan.containerName ? name : arg)), { cwd: s.project, env: s.env })
    },
    none: () => timeProcess(process.execPath, [wrapix, ...flags, '--network', 'none', '--', 'true'], { cwd: s.project, env: s.env }),
    limit: () => timeProcess(process.execPath, [wrapix, ...flags, '--', 'true'], { cwd: s.project, env: s.env }),
  }
  log(`launch (${boundary}): ${rounds} rounds of raw podman, wrapix --network none, wrapix (limit) (${dry.argv.length - 1} podman arguments)`)
  return rotate(rounds, runs)
}

/** CPU of the wrapix process for a default (limit) launch, and of `node -e 0`, alternating. */
export async function cpuSamples({ wrapix, baseImage, rounds, s, log }) {
  const out = join(s.dir, 'cpu.json')
  const flags = ['--boundary', 'container', '--image', baseImage]
  log(`cpu: ${rounds} rounds of wrapix (limit) and node -e 0, each measuring its own CPU`)
  return rotate(rounds, {
    wrapix: () => cpuOfNode([wrapix, ...flags, '--', 'true'], { cwd: s.project, env: s.env }, out),
    node: () => cpuOfNode(['-e', '0'], { env: s.env }, out),
  })
}

export const runtimeAvailable = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0
