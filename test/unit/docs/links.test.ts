// The repository's markdown and scripts point only at what the repository holds: relative links, their anchors,
// and repository paths written as code. A renamed file or a moved heading fails here, naming file and line.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { brokenRefs, brokenScriptRefs, headingAnchors, markdownRefs, misplacedFunctions, type RepoView } from '../../helpers/markdown-refs.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const git = (args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' })

function repoView(): RepoView {
  const files = new Set(git(['ls-files', '-z']).split('\0').filter(Boolean))
  return {
    files,
    isGenerated: (path) => {
      try {
        execFileSync('git', ['check-ignore', '--quiet', '--no-index', path], { cwd: ROOT })
        return true
      } catch {
        return false
      }
    },
    readText: (path) => readFileSync(`${ROOT}/${path}`, 'utf8'),
  }
}

describe('the markdown files of the repository', () => {
  const repo = repoView()
  const markdown = [...repo.files].filter((f) => f.endsWith('.md'))

  it('include the documents a contributor starts from', () => {
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'docs/architecture.md', 'docs/security.md']))
  })

  it.each(markdown)('%s links and names only files, folders and headings that exist', (file) => {
    expect(brokenRefs(file, repo.readText(file), repo)).toEqual([])
  })

  it.each(markdown)('%s names only functions that exist, in the files it places them in', (file) => {
    expect(misplacedFunctions(file, repo.readText(file), repo)).toEqual([])
  })

  const scripts = [...repo.files].filter((f) => f.endsWith('.sh') || f.startsWith('.ci/'))
  it.each(scripts)('%s names only repository files that exist', (file) => {
    expect(brokenScriptRefs(file, repo.readText(file), repo)).toEqual([])
  })
})

describe('brokenScriptRefs', () => {
  const repo: RepoView = { files: new Set(['CONTRIBUTING.md', 'test/helpers/podman.ts']), isGenerated: () => false, readText: () => '' }
  it('reports a repository path or root document a script names that does not exist', () => {
    const text = '# see CONTRIBUTING.md and test/helpers/podman.ts.\n# fixes from shared/design/test-host.md (DESIGN.md)\nsed x "test/fixtures/gone.ts"'
    expect(brokenScriptRefs('x.sh', text, repo)).toEqual([
      'x.sh:2: DESIGN.md: DESIGN.md is no file or folder in the repository (committed files only)',
      'x.sh:3: test/fixtures/gone.ts: test/fixtures/gone.ts is no file or folder in the repository (committed files only)',
    ])
  })
})

describe('brokenRefs', () => {
  const repo: RepoView = {
    files: new Set(['README.md', 'docs/guide.md', 'src/cli/main.ts', 'test/unit/a.test.ts']),
    isGenerated: (path) => path === 'bench/results.json',
    readText: (path) => (path === 'docs/guide.md' ? '# Guide\n\n## Set-up, step by step\n\n## Set-up, step by step\n' : '# wrapix\n'),
  }
  const check = (text: string, file = 'README.md'): string[] => brokenRefs(file, text, repo)

  it('accepts links to files, folders and headings that exist, and leaves web links alone', () => {
    const text = [
      '[guide](docs/guide.md#set-up-step-by-step) [again](docs/guide.md#set-up-step-by-step-1) [cli](src/cli/) [top](#wrapix)',
      '[web](https://example.com/x) [mail](mailto:a@example.com)',
      '',
      '# wrapix',
    ].join('\n')
    expect(check(text)).toEqual([])
  })

  it('reports a link that leaves the repository, like a pointer to notes kept beside it', () => {
    expect(check('See [the design](../shared/design/).')).toEqual(['README.md:1: link (../shared/design/): points outside the repository'])
    expect(check('See `../shared/design/` for the design.')).toEqual(['README.md:1: `../shared/design/`: points outside the repository'])
  })

  it('reports a missing file, a missing heading and a root-absolute link, with the line', () => {
    expect(check('x\n\n[gone](docs/gone.md)\n[bad](docs/guide.md#nope) [abs](/src/cli/main.ts)')).toEqual([
      'README.md:3: link (docs/gone.md): docs/gone.md is no file or folder in the repository (committed files only)',
      'README.md:4: link (docs/guide.md#nope): no heading in docs/guide.md has the anchor #nope',
      'README.md:4: link (/src/cli/main.ts): use a path relative to this file',
    ])
  })

  it('resolves links from the folder of the file that holds them', () => {
    expect(check('[readme](../README.md) [main](../src/cli/main.ts)', 'docs/guide.md')).toEqual([])
    expect(check('[main](src/cli/main.ts)', 'docs/guide.md')).toEqual([
      'docs/guide.md:1: link (src/cli/main.ts): docs/src/cli/main.ts is no file or folder in the repository (committed files only)',
    ])
  })

  it('checks repository paths in inline code and shell blocks, from the repository root', () => {
    const text = 'Run `npx vitest run test/unit/a.test.ts`; see `src/cli/main.ts:12`, `src/cli/`.\n\n```sh\nbash test/setup-host.sh\n```\n'
    expect(check(text, 'docs/guide.md')).toEqual(['docs/guide.md:4: `test/setup-host.sh`: test/setup-host.sh is no file or folder in the repository (committed files only)'])
  })

  it('checks only the literal folder of a path pattern, and accepts generated outputs', () => {
    expect(check('`src/cli/<name>.ts`, `test/unit/**/*.test.ts`, `src/…`, `bench/results.json`')).toEqual([])
    expect(check('`src/agents/<name>.ts`')).toEqual(['README.md:1: `src/agents/<name>.ts`: src/agents is no file or folder in the repository (committed files only)'])
  })

  it('ignores paths in non-shell code blocks and words that are not repository paths', () => {
    expect(check('```yaml\nsource: src/gone\n```\n\n`~/.config/wrapix/config.yaml` `.wrapix/log/` `/workspace/src/x`')).toEqual([])
  })
})

describe('misplacedFunctions', () => {
  const sources: Record<string, string> = {
    'src/plan.ts': 'export function planSandbox(input: PlanInput): SandboxPlan {\n  return chooseBoundary(input)\n}\n',
    'src/boundary.ts': "export const chooseBoundary = (x: number) => x\nconst o = {\n  async finish(result) {},\n}\n",
  }
  const repo: RepoView = { files: new Set(Object.keys(sources)), isGenerated: () => false, readText: (path) => sources[path] ?? '' }
  const check = (text: string): string[] => misplacedFunctions('docs/a.md', text, repo)

  it('accepts functions, consts and methods defined where the sentence says', () => {
    expect(check('`planSandbox()` (`src/plan.ts`) calls `chooseBoundary()` in `src/boundary.ts`, then `finish()`.')).toEqual([])
  })

  it('reports a function that moved to another file, and one that no longer exists', () => {
    expect(check('`chooseBoundary()` in `src/plan.ts`\n`planSandbox()`, `renamedAway()`')).toEqual([
      'docs/a.md:1: chooseBoundary() is not defined in src/plan.ts',
      'docs/a.md:2: renamedAway() is defined nowhere in the code',
    ])
  })
})

describe('markdownRefs and headingAnchors', () => {
  it('finds reference-style links and images', () => {
    expect(markdownRefs('[a][r] ![i](docs/x.png)\n\n[r]: docs/y.md\n').map((r) => r.target)).toEqual(['docs/y.md', 'docs/x.png'])
  })

  it('slugs headings the way GitHub does, code and punctuation included', () => {
    expect([...headingAnchors('# `wrapix run`: the flags\n## Security model, in plain words\n## Security model, in plain words')]).toEqual([
      'wrapix-run-the-flags',
      'security-model-in-plain-words',
      'security-model-in-plain-words-1',
    ])
  })
})
