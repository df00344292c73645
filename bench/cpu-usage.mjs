// Preloaded (node --import) into a benchmarked node process: writes its own CPU time (user and system µs,
// children excluded) to $BENCH_CPU_OUT when it exits.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.BENCH_CPU_OUT) writeFileSync(process.env.BENCH_CPU_OUT, JSON.stringify(process.cpuUsage()))
})
