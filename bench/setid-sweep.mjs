// Focused timing of the setuid/setgid sweep on a scratch project of 50 000 files (1 000 directories),
// using the tsc output in dist/ (run `npm run build` first): the `find` scan wrapix uses, against a plain
// Node walk (readdir + lstat) for comparison, and a whole sweep clearing 10 planted setuid files.
// Prints medians of BENCH_RUNS (default 7).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const { scanSetidFiles, setidBaseline, sweepSetidFiles } = await import('../dist/session/setid-sweep.js')
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 7))
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }

async function nodeWalk(dir, dev, out) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if ((await lstat(path)).dev === dev) await nodeWalk(path, dev, out)
    } else if (entry.isFile() && (await lstat(path)).mode & 0o6000) out.push(path)
  }
}

const root = mkdtempSync(join(tmpdir(), 'wrapix-bench-setid-'))
try {
  for (let a = 0; a < 50; a++) for (let b = 0; b < 20; b++) {
    const dir = join(root, `d${a}`, `e${b}`)
    mkdirSync(dir, { recursive: true })
    for (let c = 0; c < 50; c++) writeFileSync(join(dir, `f${c}`), '')
  }
  const find = []
  const walk = []
  const sweep = []
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now()
    await scanSetidFiles(root)
    find.push(performance.now() - t)
    t = performance.now()
    await nodeWalk(root, (await lstat(root)).dev, [])
    walk.push(performance.now() - t)
    const baseline = await setidBaseline(root)
    for (let k = 0; k < 10; k++) chmodSync(join(root, `d${k}`, 'e0', 'f0'), 0o4755)
    t = performance.now()
    const result = await sweepSetidFiles(root, baseline)
    sweep.push(performance.now() - t)
    if (result.cleared.length !== 10) throw new Error(`cleared ${result.cleared.length} files, not 10`)
  }
  const ms = (x) => `${median(x).toFixed(0)} ms`
  console.log(`50 000 files: find scan ${ms(find)}, Node walk ${ms(walk)}, sweep clearing 10 files ${ms(sweep)} (medians of ${RUNS})`)
} finally {
  rmSync(root, { recursive: true, force: true })
}
