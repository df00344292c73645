// Bench: summarise a 50 MB Claude Code transcript (real fixture lines repeated) in a child process and
// report wall time and the child's peak RSS. Targets: ≤ 1 s and ≤ 100 MB. Needs `npm run build` first.
// Standalone: `node bench/transcript.mjs`; from bench/run.mjs: `import { benchTranscript } from './transcript.mjs'`.
import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const FIXTURE = join(ROOT, 'test/fixtures/claude-transcripts/tools.jsonl')
const TARGET_BYTES = 50 * 1024 * 1024
export const TARGETS = { ms: 1000, peakRssMb: 100 }

function writeBigTranscript(path) {
  const chunk = readFileSync(FIXTURE)
  const fd = openSync(path, 'w')
  let written = 0
  while (written < TARGET_BYTES) written += writeSync(fd, chunk)
  closeSync(fd)
  return written
}

/** Runs the bench and returns `{ name, bytes, ms, peakRssMb, ok }`. */
export function benchTranscript() {
  const dir = mkdtempSync(join(tmpdir(), 'wrapix-bench-transcript-'))
  try {
    const file = join(dir, 'big.jsonl')
    const bytes = writeBigTranscript(file)
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], { encoding: 'utf8' })
    const { ms, peakRssMb, commands } = JSON.parse(out)
    return { name: 'transcript summary (50 MB)', bytes, ms, peakRssMb, commands, ok: ms <= TARGETS.ms && peakRssMb <= TARGETS.peakRssMb }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function child(file) {
  const { summarizeClaudeTranscripts } = await import(pathToFileURL(join(process.env.WRAPIX_BENCH_DIST ?? join(ROOT, 'dist'), 'agents/claude-transcript.js')).href)
  const t0 = performance.now()
  const summary = await summarizeClaudeTranscripts([file])
  const ms = Math.round(performance.now() - t0)
  // maxRSS is in KiB and covers the whole child, Node's own baseline included.
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
  process.stdout.write(JSON.stringify({ ms, peakRssMb, commands: summary.commands.length + summary.omitted.commands }))
}

if (process.argv[2] === '--child') await child(process.argv[3])
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = benchTranscript()
  console.log(`${r.name}: ${r.ms} ms, peak RSS ${r.peakRssMb} MB (${(r.bytes / 1048576).toFixed(0)} MiB, ${r.commands} commands) — targets ≤ ${TARGETS.ms} ms, ≤ ${TARGETS.peakRssMb} MB: ${r.ok ? 'ok' : 'MISSED'}`)
  if (!r.ok) process.exitCode = 1
}
