// Test helpers for ralph: a git project with task files, and the flags that point its sessions at the real
// claude binary and the local mock Messages API (through wrapix's proxy, limit mode).
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { parseTaskFile } from '../../src/ralph/task-file.js'
import type { Task } from '../../src/ralph/task-schema.js'
import { SessionRecordSchema, type SessionRecord } from '../../src/session/record-schema.js'
import { isolatedHome, runWrapix, tempProject, type IsolatedHome, type TempProject, type WrapixResult } from './cli.js'
import { BASE_IMAGE, removeContainersByLabel } from './podman.js'

export const RALPH_TEST_KEY = 'sk-ant-api03-e2eRalphKey00000000000000000000000-Rx9Q'

/** Flags of `ralph run` that every e2e test uses: crun, the base image, the claude binary, the mock. */
export function ralphSessionFlags(claudeBinary: string, mockUrl: string): string[] {
  const port = new URL(mockUrl).port
  return [
    '--boundary', 'container', '--image', BASE_IMAGE, '--network', 'limit',
    '-v', `${claudeBinary}:/usr/local/bin/claude:ro`,
    '-e', `ANTHROPIC_BASE_URL=http://mock.test:${port}`,
    '--allow', `mock.test:${port}`, '--resolve', 'mock.test:127.0.0.1', '--allow', '127.0.0.1',
  ]
}

export async function git(dir: string, ...args: string[]): Promise<string> {
  const r = await execa('git', ['-c', 'user.name=Ralph Test', '-c', 'user.email=ralph@example.invalid', ...args], { cwd: dir })
  return String(r.stdout)
}

/** A committed git project (with a local identity, so commits in the sandbox have an author). */
export async function initGitProject(project: TempProject, files: Record<string, string> = {}): Promise<void> {
  for (const [path, content] of Object.entries({ 'README.md': 'demo\n', '.gitignore': '.wrapix/log/\n.wrapix/ralph/logs/\n.wrapix/ralph/.locks/\n.claude/\n', ...files })) {
    await project.write(path, content)
  }
  await git(project.dir, 'init', '-q', '-b', 'main')
  await git(project.dir, 'config', 'user.name', 'Ralph Test')
  await git(project.dir, 'config', 'user.email', 'ralph@example.invalid')
  await git(project.dir, 'add', '.')
  await git(project.dir, 'commit', '-qm', 'init')
}

export async function readTasks(dir: string, spec: string): Promise<Map<string, Task>> {
  const folder = join(dir, '.wrapix', 'ralph', spec)
  const tasks = new Map<string, Task>()
  for (const name of (await readdir(folder)).filter((n) => n.endsWith('.md')).sort()) {
    const task = parseTaskFile(await readFile(join(folder, name), 'utf8'), join('.wrapix', 'ralph', spec, name), spec)
    tasks.set(task.id, task)
  }
  return tasks
}

export async function readRecords(dir: string): Promise<SessionRecord[]> {
  const logDir = join(dir, '.wrapix', 'log')
  const names = (await readdir(logDir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()
  return Promise.all(names.map(async (n) => SessionRecordSchema.parse(JSON.parse(await readFile(join(logDir, n), 'utf8')))))
}

/** A final message proposing tasks (ralph todo, ralph check): text, then the ```ralph-tasks block. */
export const tasksText = (intro: string, tasks: unknown): { type: 'text'; text: string } => ({
  type: 'text',
  text: `${intro}\n\n\`\`\`ralph-tasks\n${typeof tasks === 'string' ? tasks : JSON.stringify(tasks, null, 2)}\n\`\`\`\n`,
})

/** The text of a final assistant message that ends with `lines`. */
export const finalText = (...lines: string[]): { type: 'text'; text: string } => ({ type: 'text', text: lines.join('\n') })

/** The bodies of the agent-loop requests (those offering Bash) whose conversation carries `marker`. */
export function agentRequests(requests: readonly { body: unknown }[], marker: string): string[] {
  return requests
    .filter((r) => ((r.body as { tools?: { name?: string }[] } | undefined)?.tools ?? []).some((t) => t.name === 'Bash'))
    .map((r) => JSON.stringify(r.body))
    .filter((b) => b.includes(marker))
}

export interface RalphProject {
  readonly dir: string
  readonly home: IsolatedHome
  /** `wrapix ralph ARGS… -C <project>` with the test key, never throwing on a non-zero exit. */
  ralph(...args: string[]): Promise<WrapixResult>
  /** Removes the project's containers, then the project and its HOME. */
  cleanup(): Promise<void>
}

/** A committed git project with `files`, an isolated HOME, and one task per title (spec `spec`). */
export async function ralphProject(files: Record<string, string>, titles: readonly string[] = [], spec = 'demo', timeoutMs = 170_000): Promise<RalphProject> {
  const project = await tempProject({}, 'wrapix-ralph-')
  const home = await isolatedHome()
  await initGitProject(project, files)
  const ralph = (...args: string[]) => runWrapix(['ralph', ...args, '-C', project.dir], { home, env: { ANTHROPIC_API_KEY: RALPH_TEST_KEY }, timeoutMs })
  for (const title of titles) {
    const added = await ralph('add', '--spec', spec, title)
    if (added.exitCode !== 0) throw new Error(`ralph add failed: ${added.stderr}`)
  }
  return {
    dir: project.dir,
    home,
    ralph,
    cleanup: async () => {
      await removeContainersByLabel({ 'wrapix.workspace': project.dir })
      await project.cleanup()
      await home.cleanup()
    },
  }
}
