// The files that run on the host the moment the user does something ordinary in the project (nix develop,
// cd with direnv, npm install, make, opening the editor, git commit with pre-commit, starting claude…),
// and the pure comparison of two snapshots of them. One list: add a line to cover another tool.

export interface HostExecutedRule {
  /** Path relative to the project; `*` matches within the last segment only. */
  readonly pattern: string
  /** What runs it, in a few words. */
  readonly runBy: string
}

export const HOST_EXECUTED_FILES: readonly HostExecutedRule[] = [
  { pattern: 'flake.nix', runBy: 'nix develop / nix build' },
  { pattern: 'flake.lock', runBy: 'nix develop / nix build (pins what is fetched)' },
  { pattern: 'shell.nix', runBy: 'nix-shell' },
  { pattern: 'default.nix', runBy: 'nix-build / nix-shell' },
  { pattern: 'devenv.nix', runBy: 'devenv shell' },
  { pattern: '.envrc', runBy: 'direnv, on cd' },
  { pattern: 'package.json', runBy: 'npm install / npm run (scripts)' },
  { pattern: '.npmrc', runBy: 'npm (script-shell, node-options)' },
  { pattern: '.yarnrc.yml', runBy: 'yarn (yarnPath, plugins)' },
  { pattern: '.pnpmfile.cjs', runBy: 'pnpm install' },
  { pattern: 'Makefile', runBy: 'make' },
  { pattern: 'makefile', runBy: 'make' },
  { pattern: 'GNUmakefile', runBy: 'make' },
  { pattern: 'justfile', runBy: 'just' },
  { pattern: 'Taskfile.yml', runBy: 'task' },
  { pattern: 'mise.toml', runBy: 'mise (hooks, env), on cd' },
  { pattern: '.mise.toml', runBy: 'mise (hooks, env), on cd' },
  { pattern: '.vscode/tasks.json', runBy: 'VS Code tasks' },
  { pattern: '.vscode/settings.json', runBy: 'VS Code (tool paths, terminal env)' },
  { pattern: '.vscode/launch.json', runBy: 'VS Code debugger' },
  { pattern: '.devcontainer/devcontainer.json', runBy: 'dev containers (postCreateCommand…)' },
  { pattern: '.devcontainer.json', runBy: 'dev containers (postCreateCommand…)' },
  { pattern: '.github/workflows/*', runBy: 'GitHub Actions, on push' },
  { pattern: '.gitlab-ci.yml', runBy: 'GitLab CI, on push' },
  { pattern: '.pre-commit-config.yaml', runBy: 'pre-commit, on git commit' },
  { pattern: '.husky/*', runBy: 'husky git hooks, on git commit' },
  { pattern: '.claude/settings*.json', runBy: 'Claude Code hooks, when you run claude here' },
  { pattern: '.mcp.json', runBy: 'Claude Code MCP servers, when you run claude here' },
  { pattern: '.gitattributes', runBy: 'git filters and diff drivers' },
  { pattern: '.gitmodules', runBy: 'git submodule update' },
  { pattern: '.lfsconfig', runBy: 'git lfs' },
  { pattern: 'build.rs', runBy: 'cargo build' },
  { pattern: '.cargo/config.toml', runBy: 'cargo (runner, rustc-wrapper)' },
  { pattern: 'setup.py', runBy: 'pip install' },
  { pattern: 'pyproject.toml', runBy: 'pip install (build backend)' },
  { pattern: 'conftest.py', runBy: 'pytest' },
  { pattern: 'tox.ini', runBy: 'tox' },
  { pattern: 'noxfile.py', runBy: 'nox' },
  { pattern: 'Rakefile', runBy: 'rake' },
  { pattern: 'gradlew', runBy: './gradlew' },
  { pattern: 'build.gradle', runBy: 'gradle' },
  { pattern: 'build.gradle.kts', runBy: 'gradle' },
  { pattern: 'gradle/wrapper/gradle-wrapper.properties', runBy: './gradlew (what it downloads)' },
  { pattern: 'mvnw', runBy: './mvnw' },
  { pattern: '.mvn/wrapper/maven-wrapper.properties', runBy: './mvnw (what it downloads)' },
]

/**
 * What a push runs: CI and automation, which start on the forge with the repository's secrets, and
 * wrapix's own settings. A path ending in `/` covers that top-level folder; any other names one file at
 * the top. `ralph check --push` refuses work that changes any of them (src/ralph/push.ts).
 */
export const PUSH_EXECUTED_PATHS: readonly string[] = [
  '.github/', '.gitlab-ci.yml', '.gitlab/', '.circleci/', '.buildkite/', 'Jenkinsfile', '.travis.yml', 'azure-pipelines.yml',
  '.drone.yml', 'bitbucket-pipelines.yml', '.woodpecker/', '.forgejo/', '.gitea/', '.wrapix/',
]

/** Whether a push of a change to this project-relative path runs something (PUSH_EXECUTED_PATHS). */
export const pushExecuted = (path: string): boolean =>
  PUSH_EXECUTED_PATHS.some((rule) => (rule.endsWith('/') ? path.startsWith(rule) : path === rule))

/** Directory and file-name matcher of a rule: `.github/workflows/*` → ['.github/workflows', /^[^/]*$/]. */
export function splitPattern(pattern: string): { dir: string; name: RegExp; literal: string | null } {
  const slash = pattern.lastIndexOf('/')
  const dir = slash < 0 ? '' : pattern.slice(0, slash)
  const base = pattern.slice(slash + 1)
  if (!base.includes('*')) return { dir, name: new RegExp(`^${escape(base)}$`), literal: base }
  return { dir, name: new RegExp(`^${base.split('*').map(escape).join('[^/]*')}$`), literal: null }
}
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The rule that covers a project-relative path, if any. */
export const ruleFor = (path: string): HostExecutedRule | undefined =>
  HOST_EXECUTED_FILES.find((rule) => {
    const { dir, name } = splitPattern(rule.pattern)
    const slash = path.lastIndexOf('/')
    return (slash < 0 ? '' : path.slice(0, slash)) === dir && name.test(path.slice(slash + 1))
  })

/** One file's state: its kind plus a content hash (of the link text for a symlink). */
export type FileState = string
export type Snapshot = ReadonlyMap<string, FileState>

export interface ReviewItem {
  readonly path: string
  readonly change: 'created' | 'changed'
  readonly runBy: string
}

/** Files created or changed between two snapshots, sorted by path. Removed files run nothing. */
export function filesToReview(before: Snapshot, after: Snapshot): ReviewItem[] {
  const items: ReviewItem[] = []
  for (const [path, state] of after) {
    const old = before.get(path)
    if (old === state) continue
    items.push({ path, change: old === undefined ? 'created' : 'changed', runBy: ruleFor(path)?.runBy ?? 'unknown' })
  }
  return items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** The one-line notice of the end-of-session summary; null when there is nothing to review. */
export function reviewNotice(items: readonly ReviewItem[]): string | null {
  if (items.length === 0) return null
  const list = items.map((i) => `${i.path} (${i.change}; ${i.runBy})`).join(', ')
  return `review before you run: the session ${items.some((i) => i.change === 'created') ? 'created or changed' : 'changed'} files your host runs: ${list}`
}
