// Whether the wrapix process that left something behind (a journal entry, a namespace, a session dir) still runs.
// A pid alone is not enough: pids are reused, so the process's start time is recorded with it.
import { readFileSync } from 'node:fs'

export interface ProcessOwner {
  readonly pid: number
  readonly startTicks: string | null
}

/** Start time of a process in clock ticks since boot, from /proc; null when it is gone or there is no /proc. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null // field 22 overall
  } catch {
    return null
  }
}

export const currentProcessOwner = (): ProcessOwner => ({ pid: process.pid, startTicks: processStartTicks(process.pid) })

export function processOwnerAlive(owner: ProcessOwner): boolean {
  try {
    process.kill(owner.pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (owner.startTicks === null) return true
  const now = processStartTicks(owner.pid)
  return now === null || now === owner.startTicks
}
