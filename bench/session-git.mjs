// Focused timing of the session's git work (before probe; after probe + diff stat) on a scratch repo,
// using the tsc output in dist/ (run `npm run build` first). Prints medians of BENCH_RUNS (default 15).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const { probeGit, gitAfterAndDiff } = await import('../dist/session/git-state.js')
const RUNS = Math.max(10, Number(process.env.BENCH_RUNS ?? 15))
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }

const dir = mkdtempSync(join(tmpdir(), 'wrapix-bench-git-'))
try {
  const project = join(dir, 'project')
  mkdirSync(project)
  writeFileSync(join(project, 'README.md'), '# bench\n')
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: project, stdio: 'ignore' })
  git('init', '-q'); git('add', '.'); git('commit', '-qm', 'bench')
  writeFileSync(join(project, 'README.md'), '# bench\nchanged\n')
  writeFileSync(join(project, 'new.txt'), 'new\n')
  const before = []
  const after = []
  for (let i = 0; i < RUNS + 2; i++) {
    let t = performance.now()
    const probe = await probeGit(project)
    const b = performance.now() - t
    t = performance.now()
    // what record-writer's gitRecord does at finish
    await (await gitAfterAndDiff(project, probe.snapshot.head)).diff
    const a = performance.now() - t
    if (i >= 2) before.push(b), after.push(a)
  }
  process.stdout.write(`${JSON.stringify({ runs: RUNS, beforeProbeMs: Math.round(median(before) * 10) / 10, afterProbeAndDiffMs: Math.round(median(after) * 10) / 10 })}\n`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
