// `npm run bench`: every wrapix benchmark in one run, each against a baseline measured in the same run,
// printed as a table (PASS/FAIL against its target) and written to bench/results.json (gitignored).
// Needs `npm run build` first (npm run bench does it). Real podman and the local base image for the launch rows.
// Knobs: BENCH_PAIRS (crun launch rounds, default 12), BENCH_GVISOR_ROUNDS (6), BENCH_CPU_ROUNDS (10), BENCH_ONLY=launch,version,image,proxy,transcript,ralph, BENCH_STRICT=1
// (exit 1 when a target is missed).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { cpuSamples, launchSamples, runtimeAvailable, timeProcess } from './launch.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const WRAPIX = join(ROOT, 'bin', 'wrapix.js')
const BASE_IMAGE = process.env.WRAPIX_TEST_BASE_IMAGE ?? 'localhost/wrapix-base:bookworm'
const PAIRS = Math.max(10, Number(process.env.BENCH_PAIRS ?? 12))
const GVISOR_ROUNDS = Math.max(3, Number(process.env.BENCH_GVISOR_ROUNDS ?? 6)) // runsc starts slowly: fewer rounds
const CPU_ROUNDS = Math.max(5, Number(process.env.BENCH_CPU_ROUNDS ?? 10))
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null
const wanted = (name) => !ONLY || ONLY.has(name)

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits
const log = (message) => process.stderr.write(`bench: ${message}\n`)

/** Alternating pairs (order flipped every pair so neither side always runs warm); returns both samples. */
async function alternate(pairs, a, b, warmup = 2) {
  for (let i = 0; i < warmup; i++) await a(), await b()
  const xs = []
  const ys = []
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) xs.push(await a()), ys.push(await b())
    else ys.push(await b()), xs.push(await a())
  }
  return { xs, ys }
}

function ratioRow({ name, xs, ys, baseline, target, unit = 'ms' }) {
  const m = median(xs)
  const base = median(ys)
  const ratio = m / base
  const pairRatios = xs.map((x, i) => x / ys[i])
  return {
    name,
    value: round(m),
    baseline: round(base),
    baselineName: baseline,
    unit,
    ratio: round(ratio, 3),
    medianPairRatio: round(median(pairRatios), 3),
    target: `ratio <= ${target}`,
    pass: ratio <= target,
    samples: { wrapix: xs.map((x) => round(x)), baseline: ys.map((y) => round(y)) },
  }
}

const skipped = (name, reason) => ({ name, skipped: reason })

function podmanUsable() {
  const r = spawnSync('podman', ['image', 'exists', BASE_IMAGE], { stdio: 'ignore' })
  if (r.error) return 'podman is not installed'
  return r.status === 0 ? null : `the base image ${BASE_IMAGE} is missing (build it with: npm run test:setup)`
}

/** A throwaway git project and HOME, so the user's own config and keys play no part. */
function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'wrapix-bench-'))
  const project = join(dir, 'project')
  const home = join(dir, 'home')
  mkdirSync(project)
  mkdirSync(join(home, '.config'), { recursive: true })
  writeFileSync(join(project, 'README.md'), '# bench\n')
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: project, stdio: 'ignore' })
  git('init', '-q')
  git('add', '.')
  git('commit', '-qm', 'bench')
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'), XDG_CACHE_HOME: join(home, '.cache') }
  for (const name of Object.keys(env)) if (name.startsWith('WRAPIX_')) delete env[name]
  return { dir, project, env }
}

// 1. Launch overhead over raw podman of the same sandbox (bench/launch.mjs), crun and gVisor, and wrapix's own CPU.
function overheadRow({ name, xs, ys, target }) {
  const value = median(xs) - median(ys)
  return {
    name,
    value: round(value),
    baseline: round(median(ys)),
    baselineName: 'raw podman run, same sandbox',
    unit: 'ms',
    wrapixMedian: round(median(xs)),
    medianPairDifference: round(median(xs.map((x, i) => x - ys[i]))),
    target: target === null ? 'reported' : `<= ${target} ms over baseline`,
    pass: target === null ? null : value <= target,
    samples: { wrapix: xs.map((x) => round(x)), baseline: ys.map((y) => round(y)) },
  }
}

async function benchLaunch() {
  const missing = podmanUsable()
  if (missing) return ['none', 'limit'].map((net) => skipped(`launch overhead, network ${net} (crun)`, missing))
  const s = scratch()
  try {
    const rows = []
    const boundaries = [['container', 'crun', PAIRS, { none: 120, limit: 200 }]]
    if (runtimeAvailable('runsc')) boundaries.push(['gvisor', 'gVisor', GVISOR_ROUNDS, { none: null, limit: null }])
    else rows.push(skipped('launch overhead (gVisor)', 'runsc is not installed'))
    for (const [boundary, label, rounds, targets] of boundaries) {
      const r = await launchSamples({ wrapix: WRAPIX, baseImage: BASE_IMAGE, boundary, rounds, s, log })
      rows.push(overheadRow({ name: `launch overhead, network none (${label})`, xs: r.none, ys: r.raw, target: targets.none }))
      rows.push(overheadRow({ name: `launch overhead, network limit (${label})`, xs: r.limit, ys: r.raw, target: targets.limit }))
    }
    const cpu = await cpuSamples({ wrapix: WRAPIX, baseImage: BASE_IMAGE, rounds: CPU_ROUNDS, s, log })
    rows.push({
      name: 'wrapix process CPU (launch, limit, crun)',
      value: round(median(cpu.wrapix)),
      baseline: round(median(cpu.node)),
      baselineName: 'node -e 0, same measurement',
      unit: 'ms',
      target: '<= 150 ms',
      pass: median(cpu.wrapix) <= 150,
      samples: { wrapix: cpu.wrapix.map((x) => round(x)), baseline: cpu.node.map((y) => round(y)) },
    })
    return rows
  } finally {
    rmSync(s.dir, { recursive: true, force: true })
  }
}

// 2. `wrapix --version` vs `node -e 0`.
async function benchVersion() {
  log('version: 20 pairs of wrapix --version vs node -e 0')
  const { xs, ys } = await alternate(20, () => timeProcess(process.execPath, [WRAPIX, '--version']), () => timeProcess(process.execPath, ['-e', '0']), 3)
  return ratioRow({ name: 'wrapix --version', xs, ys, baseline: 'node -e 0', target: 1.5 })
}

// 3. Image cache hit: start to `podman run`, when the profile image exists (bench/image-cache-hit.mjs).
async function benchImageCacheHit() {
  const name = 'start → runtime invoked (profile image cached)'
  const missing = podmanUsable()
  if (missing) return skipped(name, missing)
  log('image cache hit: bench/image-cache-hit.mjs')
  const out = execFileSync(process.execPath, [join(ROOT, 'bench', 'image-cache-hit.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  const r = JSON.parse(out.trim().split('\n').at(-1))
  if (r.startToRuntimeMedianMs === null) return skipped(name, 'wrapix never invoked podman run (see the output above)')
  return { name, value: r.startToRuntimeMedianMs, unit: 'ms', baselineName: `of which the image check (ensureImage): ${r.ensureImageHitMedianMs} ms`, target: `<= ${r.targetMs} ms`, pass: r.startToRuntimeMedianMs <= r.targetMs, samples: r.samples, detail: r }
}

// 4. The network proxy (bench/proxy.mjs): time to first byte and throughput, direct vs through the proxy.
async function benchProxy() {
  log('proxy: bench/proxy.mjs')
  const out = execFileSync(process.execPath, [join(ROOT, 'bench', 'proxy.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_ROUNDS: process.env.BENCH_PROXY_ROUNDS ?? '200' } })
  const r = JSON.parse(out.trim().split('\n').at(-1))
  const { samples, ...detail } = r
  const relay = (name, key, base, unit, ratio, target, pass, sampleKey) => ({
    name, value: r[key].relay, baseline: r[key].direct, baselineName: 'direct connection', unit, ratio, target, pass,
    samples: { wrapix: samples[sampleKey].relay, baseline: samples[sampleKey].direct, proxyOnly: samples[sampleKey].proxy }, detail,
  })
  return [
    relay('proxy: HTTPS time to first byte (relay + proxy)', 'ttfbMs', 'direct', 'ms', r.latencyRatioWithRelay, 'ratio <= 1.2', r.latencyRatioWithRelay <= 1.2, 'ttfbMs'),
    relay('proxy: 100 MB throughput (relay + proxy)', 'throughputMBps', 'direct', 'MB/s', r.throughputRatioWithRelay, 'ratio >= 0.8', r.throughputRatioWithRelay >= 0.8, 'throughputMBps'),
    { name: 'proxy: API request with the key injected, time to first byte', value: r.credentialTtfbMs.inject, baseline: r.credentialTtfbMs.tunnel, baselineName: 'HTTPS through a CONNECT tunnel', unit: 'ms', ratio: r.credentialRatio, target: 'ratio <= 1.1', pass: r.credentialRatio <= 1.1, samples: { wrapix: samples.credentialTtfbMs.inject, baseline: samples.credentialTtfbMs.tunnel }, detail },
  ]
}

// 5. Transcript summary of 50 MB (bench/transcript.mjs).
async function benchTranscriptRow() {
  log('transcript: bench/transcript.mjs')
  const { benchTranscript, TARGETS } = await import('./transcript.mjs')
  const r = benchTranscript()
  return { name: r.name, value: r.ms, unit: 'ms', baselineName: `peak RSS ${r.peakRssMb} MB`, target: `<= ${TARGETS.ms} ms, <= ${TARGETS.peakRssMb} MB`, pass: r.ok, detail: r }
}

// 6. ralph's per-task overhead: `ralph run --once` for one ready task vs a plain `wrapix` launch of the same agent
// command with the same prompt on stdin. The agent is a stand-in `claude` that reads the prompt and prints a
// final result with RALPH_COMPLETE, so only wrapix and ralph's own work is measured.
async function benchRalph() {
  const name = 'ralph run: per-task overhead (container, network none)'
  const missing = podmanUsable()
  if (missing) return skipped(name, missing)
  const s = scratch()
  try {
    const agent = join(s.dir, 'claude')
    writeFileSync(agent, `#!/bin/sh\ncat > /dev/null\nprintf '%s\\n' '{"type":"result","subtype":"success","is_error":false,"result":"RALPH_COMPLETE"}'\n`)
    chmodSync(agent, 0o755)
    const flags = ['--boundary', 'container', '--network', 'none', '--image', BASE_IMAGE, '-v', `${agent}:/usr/local/bin/claude:ro`]
    const taskDir = join(s.project, '.wrapix', 'ralph', 'bench')
    mkdirSync(taskDir, { recursive: true })
    const task = '---\nid: bench-001\ntitle: Bench\nstatus: todo\n---\n\nDo nothing.\n'
    const prompt = `You are working on one task of the spec "bench".\n\n# Task bench-001: Bench\n\nDo nothing.\n`
    const ralph = () => {
      writeFileSync(join(taskDir, '001-bench.md'), task)
      return timeProcess(process.execPath, [join(ROOT, 'bin', 'ralph.js'), 'run', '--once', '-q', ...flags], { cwd: s.project, env: s.env })
    }
    const wrapix = () =>
      new Promise((resolve, reject) => {
        const t0 = performance.now()
        const child = spawn(process.execPath, [WRAPIX, ...flags, '--', 'claude', '-p', '--output-format', 'stream-json', '--verbose'], { cwd: s.project, env: s.env, stdio: ['pipe', 'ignore', 'ignore'] })
        child.stdin.end(prompt)
        child.on('error', reject)
        child.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`wrapix exited ${code}`))))
      })
    log(`ralph: ${PAIRS} pairs of ralph run --once vs wrapix with the same agent command`)
    const { xs, ys } = await alternate(PAIRS, ralph, wrapix)
    return ratioRow({ name, xs, ys, baseline: 'wrapix -- claude -p (same prompt)', target: 1.2 })
  } finally {
    rmSync(s.dir, { recursive: true, force: true })
  }
}

const BENCHES = [
  ['launch', benchLaunch],
  ['version', benchVersion],
  ['image', benchImageCacheHit],
  ['proxy', benchProxy],
  ['transcript', benchTranscriptRow],
  ['ralph', benchRalph],
]

const rows = []
for (const [key, bench] of BENCHES) {
  if (!wanted(key)) continue
  globalThis.gc?.()
  try {
    rows.push(...[await bench()].flat())
  } catch (err) {
    rows.push({ name: key, error: err instanceof Error ? err.message : String(err), pass: false })
  }
}

const cell = (row) => {
  if (row.skipped) return ['', '', '', 'SKIP']
  if (row.error) return ['', '', '', 'ERROR']
  const base = row.baseline !== undefined ? `${row.baseline} ${row.unit} (${row.baselineName})` : (row.baselineName ?? '')
  return [`${row.value} ${row.unit}`, base, row.ratio !== undefined ? `${row.ratio}×` : '', row.pass === null ? 'INFO' : row.pass ? 'PASS' : 'FAIL']
}
const table = [['benchmark', 'wrapix', 'baseline', 'ratio', 'target', 'result'], ...rows.map((r) => { const [v, b, ratio, result] = cell(r); return [r.name, v, b, ratio, r.target ?? '', result] })]
const widths = table[0].map((_, i) => Math.max(...table.map((line) => line[i].length)))
process.stdout.write(`\n${table.map((line) => line.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n')}\n`)
for (const r of rows) {
  if (r.skipped) process.stdout.write(`  skipped ${r.name}: ${r.skipped}\n`)
  if (r.error) process.stdout.write(`  error in ${r.name}: ${r.error}\n`)
}

const results = { date: new Date().toISOString(), node: process.version, host: { cpus: (await import('node:os')).availableParallelism(), load: (await import('node:os')).loadavg().map((x) => round(x, 2)) }, rows }
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
process.stdout.write(`\nwritten: bench/results.json\n`)
// A crashed benchmark fails the run; a missed target only with BENCH_STRICT=1 (the table is the report).
if (rows.some((r) => r.error || (process.env.BENCH_STRICT === '1' && r.pass === false))) process.exitCode = 1
