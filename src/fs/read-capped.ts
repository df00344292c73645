// Reading a small text file a user (or a project) names, without trusting what it is: never more than
// `maxBytes`, never blocking forever on a FIFO or a pipe, and a directory or /dev/zero is an answer, not a hang.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

export type ReadCapped =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: 'missing' | 'directory' | 'too-large' | 'timeout' | 'unreadable'; readonly detail: string }

const sleepMs = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/** The whole file as UTF-8 if it is at most `maxBytes`; pipes and FIFOs are read until their writer closes or `timeoutMs`. */
export function readCapped(path: string, maxBytes: number, timeoutMs = 10_000): ReadCapped {
  let fd: number
  try {
    // O_NONBLOCK: opening a FIFO nobody writes to returns at once (and then reads as empty) instead of hanging.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'missing', detail: 'no such file' }
    if (code === 'EISDIR') return { ok: false, reason: 'directory', detail: 'is a directory' }
    return { ok: false, reason: 'unreadable', detail: (err as Error).message }
  }
  try {
    const stat = fstatSync(fd)
    if (stat.isDirectory()) return { ok: false, reason: 'directory', detail: 'is a directory' }
    if (stat.isFile() && stat.size > maxBytes) return { ok: false, reason: 'too-large', detail: `larger than ${formatBytes(maxBytes)}` }
    const chunks: Buffer[] = []
    let total = 0
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total))
      let n: number
      try {
        n = readSync(fd, chunk, 0, chunk.length, null)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code !== 'EAGAIN') return { ok: false, reason: 'unreadable', detail: (err as Error).message }
        if (Date.now() > deadline) return { ok: false, reason: 'timeout', detail: `nothing more arrived within ${timeoutMs / 1000} s` }
        sleepMs(20)
        continue
      }
      if (n === 0) break
      chunks.push(chunk.subarray(0, n))
      total += n
      if (total > maxBytes) return { ok: false, reason: 'too-large', detail: `larger than ${formatBytes(maxBytes)}` }
    }
    return { ok: true, text: Buffer.concat(chunks).toString('utf8') }
  } finally {
    closeSync(fd)
  }
}

const formatBytes = (n: number): string => (n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} bytes`)
