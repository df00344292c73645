// What a markdown file (or a script) points at inside the repository — relative links, anchors, and repository
// paths written as code — and which of those targets do not exist (pure: the repository is passed in as data).
import GithubSlugger from 'github-slugger'
import MarkdownIt from 'markdown-it'
import { posix } from 'node:path'

/** The repository as the docs may cite it: committed files, and paths the repo says it generates. */
export interface RepoView {
  readonly files: ReadonlySet<string> // posix paths relative to the repository root
  /** Paths that are not committed because the repository generates them (.gitignore'd outputs). */
  readonly isGenerated: (path: string) => boolean
  /** Text of a committed file: markdown for its headings, source for the functions it defines. */
  readonly readText: (path: string) => string
}

/** Top-level folders whose paths docs name in backticks; such a path must exist. */
export const REPO_PREFIXES = ['src', 'test', 'docs', 'bin', 'profiles', 'nix', 'bench', 'scripts'] as const
const PREFIXED = new RegExp(`^(?:${REPO_PREFIXES.join('|')})/`)
// Characters that make a path a pattern (`src/agents/<name>.ts`, `test/**`, `src/…`): only its literal folder is checked.
const TEMPLATE = /[<>*…{}$[\]|]/
// Fenced blocks in these languages are commands, whose repository paths are checked too.
const SHELL_FENCES = new Set(['sh', 'bash', 'shell', 'console'])

interface Ref {
  readonly kind: 'link' | 'code'
  readonly target: string
  readonly line: number // 1-based line of the block holding it
}

const md = new MarkdownIt({ html: true })

/** Every link target and every path-like word in inline code or shell blocks of one markdown text. */
export function markdownRefs(text: string): Ref[] {
  const refs: Ref[] = []
  const lines = text.split('\n')
  for (const token of md.parse(text, {})) {
    // The line within the block that holds the target (a link's href may be written differently: then the block's first).
    const [start = 0, end = start + 1] = token.map ?? []
    const lineOf = (target: string): number => {
      for (let i = start; i < end; i++) if (lines[i]?.includes(target)) return i + 1
      return start + 1
    }
    if (token.type === 'fence' && SHELL_FENCES.has(token.info.trim().split(/\s+/)[0] ?? '')) {
      for (const word of token.content.split(/\s+/)) if (PREFIXED.test(word)) refs.push({ kind: 'code', target: word, line: lineOf(word) })
    }
    for (const child of token.children ?? []) {
      const href = child.type === 'link_open' ? child.attrGet('href') : child.type === 'image' ? child.attrGet('src') : null
      if (href !== null) refs.push({ kind: 'link', target: String(href), line: lineOf(String(href)) })
      if (child.type === 'code_inline') {
        for (const word of child.content.split(/\s+/)) {
          if (PREFIXED.test(word) || word.startsWith('../') || word.startsWith('./')) refs.push({ kind: 'code', target: word, line: lineOf(word) })
        }
      }
    }
  }
  return refs
}

/** The anchors GitHub gives a markdown text's headings (`## What runs where` → `what-runs-where`). */
export function headingAnchors(text: string): Set<string> {
  const slugger = new GithubSlugger()
  const anchors = new Set<string>()
  const tokens = md.parse(text, {})
  tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') return
    const inline = tokens[i + 1]
    const words = (inline?.children ?? []).filter((c) => c.type === 'text' || c.type === 'code_inline').map((c) => c.content)
    anchors.add(slugger.slug(words.join('')))
  })
  return anchors
}

/** Problems with the references of markdown file `file` (repo-relative): one line each, naming file and line. */
export function brokenRefs(file: string, text: string, repo: RepoView): string[] {
  const problems: string[] = []
  const dir = posix.dirname(file)
  for (const ref of markdownRefs(text)) {
    const where = `${file}:${ref.line}: ${ref.kind === 'link' ? `link (${ref.target})` : `\`${ref.target}\``}`
    const problem = ref.kind === 'link' ? linkProblem(ref.target, file, dir, repo) : codePathProblem(ref.target, dir, repo)
    if (problem) problems.push(`${where}: ${problem}`)
  }
  return problems
}

function linkProblem(href: string, file: string, dir: string, repo: RepoView): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return null // https:, mailto: … leave the repository on purpose
  const hash = href.indexOf('#')
  const pathPart = decodeURI(hash === -1 ? href : href.slice(0, hash))
  const anchor = hash === -1 ? null : decodeURIComponent(href.slice(hash + 1))
  if (pathPart.startsWith('/')) return 'use a path relative to this file'
  const target = pathPart === '' ? file : posix.normalize(posix.join(dir, pathPart))
  const missing = existenceProblem(target, repo)
  if (missing) return missing
  if (anchor !== null && target.endsWith('.md') && !headingAnchors(repo.readText(target)).has(anchor)) {
    return `no heading in ${target} has the anchor #${anchor}`
  }
  return null
}

/** Scripts name repository files in comments and commands: each repository path and root document must exist. */
export function brokenScriptRefs(file: string, text: string, repo: RepoView): string[] {
  const problems: string[] = []
  text.split('\n').forEach((line, i) => {
    for (const word of line.split(/[\s"'`()]+/)) {
      if (!PREFIXED.test(word) && !/^[A-Z]+\.md\b/.test(word)) continue
      const problem = codePathProblem(word, '.', repo)
      if (problem) problems.push(`${file}:${i + 1}: ${word}: ${problem}`)
    }
  })
  return problems
}

function codePathProblem(word: string, dir: string, repo: RepoView): string | null {
  // Trailing punctuation of the sentence, a line number (`src/x.ts:12`) or an anchor is not part of the path.
  let path = word.replace(/^["'(]+|["'),;.]+$/g, '').replace(/[:#].*$/, '')
  const template = TEMPLATE.exec(path)
  if (template) path = path.slice(0, path.lastIndexOf('/', template.index) + 1)
  const target = path.startsWith('.') ? posix.normalize(posix.join(dir, path)) : posix.normalize(path)
  return existenceProblem(target, repo)
}

function existenceProblem(target: string, repo: RepoView): string | null {
  const path = target.replace(/\/$/, '')
  if (path === '..' || path.startsWith('../')) return 'points outside the repository'
  if (path === '.' || repo.files.has(path)) return null
  const asDir = `${path}/`
  for (const f of repo.files) if (f.startsWith(asDir)) return null
  if (repo.isGenerated(path)) return null
  return `${path} is no file or folder in the repository (committed files only)`
}

// "`planSandbox()` in `src/sandbox/plan-sandbox.ts`" or "`planSandbox()` (`src/…`": a function and the file said to hold it.
const PLACED = /`([A-Za-z_$][\w$]*)\(\)`(?: in |,? \()`((?:src|test|scripts|bench|bin)\/[^`\s]+\.(?:ts|mjs|js))`/g
const SOURCE = /^(?:src|test|scripts|bench|bin)\/.*\.(?:ts|mjs|js)$/

const definesIn = (text: string, name: string): boolean =>
  new RegExp(`(?:function\\*?\\s+|(?:const|let|class)\\s+)${name}\\b|^\\s*(?:async\\s+)?${name}\\s*\\(`, 'm').test(text)

/**
 * Functions the docs name as `name()`: each must be defined in the repository's code, and in the very
 * file a sentence places it in — so a function that moves or is renamed takes its docs along.
 */
export function misplacedFunctions(file: string, text: string, repo: RepoView): string[] {
  const problems: string[] = []
  const sources = [...repo.files].filter((f) => SOURCE.test(f))
  const defined = new Map<string, boolean>()
  const definedAnywhere = (name: string): boolean => {
    if (!defined.has(name)) defined.set(name, sources.some((f) => definesIn(repo.readText(f), name)))
    return defined.get(name)!
  }
  text.split('\n').forEach((line, i) => {
    for (const [, name = ''] of line.matchAll(/`([A-Za-z_$][\w$]*)\(\)`/g)) {
      if (!definedAnywhere(name)) problems.push(`${file}:${i + 1}: ${name}() is defined nowhere in the code`)
    }
    for (const [, name = '', path = ''] of line.matchAll(PLACED)) {
      if (repo.files.has(path) && !definesIn(repo.readText(path), name)) problems.push(`${file}:${i + 1}: ${name}() is not defined in ${path}`)
    }
  })
  return problems
}
