// Test helpers that drive an interactive program through a real terminal: a detached tmux session on its
// own server socket (never the user's tmux), with a given size, keys in, screen out.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { uniqueName } from './podman.js'

export interface TmuxOptions {
  cols?: number
  rows?: number
  cwd?: string
  /** The whole environment of the command (tmux's server starts with it); default: this process's. */
  env?: Record<string, string>
}

export interface TmuxSession {
  readonly name: string
  /** Types text literally (no key names). */
  type(text: string): Promise<void>
  /** Sends tmux key names: 'Enter', 'C-c', 'C-d', 'Up', … */
  keys(...keys: string[]): Promise<void>
  /** The visible screen (with `history`, the scrollback too). */
  capture(history?: boolean): Promise<string>
  /** Polls the screen until it matches; returns the screen, or throws with the last screen on timeout. */
  waitForText(pattern: string | RegExp, timeoutMs?: number): Promise<string>
  /** Resolves with the command's exit status (128 + n if signal n ended it) once it has exited. */
  waitForExit(timeoutMs?: number): Promise<number>
  resize(cols: number, rows: number): Promise<void>
  /** Kills the session and its server; safe to call twice. */
  kill(): Promise<void>
}

// The pane runs `sh`, which runs the command and writes its exit status to a file. The tmux server
// (3.3a here) sometimes never reaps the pane's process (it stays a zombie and the pane has no exit status,
// seen with wrapix and with plain sh as the pane process), so the file is the reliable record.
const STATUS_WRITER = 'f=$1; shift; "$@"; s=$?; echo "$s" > "$f.tmp" && mv "$f.tmp" "$f"; exit "$s"'

/** Starts `command` (argv, no shell) in a detached tmux session of the given size. */
export async function startTmux(command: readonly string[], options: TmuxOptions = {}): Promise<TmuxSession> {
  const dir = await mkdtemp(join(tmpdir(), 'wrapix-tmux-'))
  const socket = join(dir, 'sock')
  const name = uniqueName('wrapix-test')
  // remain-on-exit keeps the pane after the command ends, so tests can still read the last screen.
  const conf = join(dir, 'tmux.conf')
  const statusFile = join(dir, 'exit-status')
  await writeFile(conf, 'set -g remain-on-exit on\nset -g history-limit 5000\nset -g status off\n')
  const tmux = (...args: string[]) => execa('tmux', ['-S', socket, ...args], { env: options.env ?? process.env, extendEnv: false })
  const cols = options.cols ?? 100
  const rows = options.rows ?? 30
  await execa('tmux', ['-S', socket, '-f', conf, 'new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows),
    ...(options.cwd ? ['-c', options.cwd] : []), '--', 'sh', '-c', STATUS_WRITER, 'sh', statusFile, ...command], { env: options.env ?? process.env, extendEnv: false })

  const capture = async (history = false): Promise<string> =>
    (await tmux('capture-pane', '-p', '-t', name, ...(history ? ['-S', '-'] : []))).stdout
  let killed = false
  const session: TmuxSession = {
    name,
    type: async (text) => void (await tmux('send-keys', '-t', name, '-l', text)),
    keys: async (...keys) => void (await tmux('send-keys', '-t', name, ...keys)),
    capture,
    async waitForText(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      let screen = ''
      for (;;) {
        screen = await capture(true)
        if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return screen
        if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; screen:\n${screen}`)
        await sleep(100)
      }
    },
    async waitForExit(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const status = await readFile(statusFile, 'utf8').catch(() => undefined)
        if (status !== undefined) return Number(status.trim())
        if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the command to exit; screen:\n${await capture(true)}`)
        await sleep(100)
      }
    },
    resize: async (c, r) => void (await tmux('resize-window', '-t', name, '-x', String(c), '-y', String(r))),
    async kill() {
      if (killed) return
      killed = true
      await execa('tmux', ['-S', socket, 'kill-server'], { reject: false })
      await rm(dir, { recursive: true, force: true })
    },
  }
  return session
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
