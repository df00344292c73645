// Streams a JSON-lines file and hands over only the lines that contain one of a few byte markers.
// Lines are found and filtered as bytes, so the bulk of a transcript is never decoded to strings, and a
// line longer than `maxLineBytes` is skipped without being held: memory stays bounded by the cap.
import { createReadStream } from 'node:fs'

export interface JsonlScanOptions {
  /** A line is decoded and passed on only when it contains one of these (ASCII) strings. */
  markers: readonly string[]
  maxLineBytes: number
  onLine: (line: string) => void
  /** Called for each line skipped for being longer than `maxLineBytes`. */
  onOversized: () => void
}

const NEWLINE = 0x0a

export async function scanJsonl(path: string, opts: JsonlScanOptions): Promise<void> {
  const markers = opts.markers.map((m) => Buffer.from(m, 'utf8'))
  const wanted = (line: Buffer): boolean => markers.some((m) => line.includes(m))
  const emit = (line: Buffer): void => {
    if (line.length > 0 && wanted(line)) opts.onLine(line.toString('utf8'))
  }
  let parts: Buffer[] = [] // the start of a line that continues into the next chunk
  let partBytes = 0
  let oversized = false // inside a line that is being skipped
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0
    let nl: number
    while ((nl = chunk.indexOf(NEWLINE, start)) !== -1) {
      if (oversized) {
        oversized = false
      } else if (partBytes > 0) {
        if (partBytes + nl - start > opts.maxLineBytes) opts.onOversized()
        else emit(Buffer.concat([...parts, chunk.subarray(start, nl)]))
      } else if (nl - start > opts.maxLineBytes) {
        opts.onOversized()
      } else {
        emit(chunk.subarray(start, nl))
      }
      parts = []
      partBytes = 0
      start = nl + 1
    }
    if (start < chunk.length && !oversized) {
      const rest = chunk.subarray(start)
      if (partBytes + rest.length > opts.maxLineBytes) {
        opts.onOversized()
        oversized = true
        parts = []
        partBytes = 0
      } else {
        // copy: the stream may reuse nothing, but a slice would pin the whole chunk
        parts.push(Buffer.from(rest))
        partBytes += rest.length
      }
    }
  }
  if (partBytes > 0) emit(Buffer.concat(parts)) // last line without a newline (a killed writer)
}
