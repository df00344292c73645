import { describe, expect, it } from 'vitest'
import { filesToReview, HOST_EXECUTED_FILES, reviewNotice, ruleFor, splitPattern } from '../../../src/session/host-executed-files.js'

describe('host-executed files', () => {
  it.each([
    ['flake.nix', 'nix develop / nix build'],
    ['.envrc', 'direnv, on cd'],
    ['package.json', 'npm install / npm run (scripts)'],
    ['.github/workflows/ci.yml', 'GitHub Actions, on push'],
    ['.claude/settings.local.json', 'Claude Code hooks, when you run claude here'],
    ['.husky/pre-commit', 'husky git hooks, on git commit'],
  ])('covers %s', (path, runBy) => {
    expect(ruleFor(path)?.runBy).toBe(runBy)
  })
  it.each(['src/flake.nix.bak', 'docs/package.json', '.github/workflows/sub/x.yml', '.claude/other.json', 'README.md'])('does not cover %s', (path) => {
    expect(ruleFor(path)).toBeUndefined()
  })
  it('has every item the README promises, each pattern once', () => {
    const patterns = HOST_EXECUTED_FILES.map((r) => r.pattern)
    expect(new Set(patterns).size).toBe(patterns.length)
    for (const p of ['flake.nix', 'shell.nix', 'default.nix', '.envrc', 'package.json', 'Makefile', 'GNUmakefile', '.vscode/tasks.json', '.vscode/settings.json', '.github/workflows/*', '.pre-commit-config.yaml', '.claude/settings*.json', '.gitattributes', '.gitmodules', '.husky/*']) {
      expect(patterns).toContain(p)
    }
    expect(splitPattern('.claude/settings*.json').name.test('settings.local.json')).toBe(true)
    expect(splitPattern('.claude/settings*.json').name.test('settings.json')).toBe(true)
  })
  it('lists files created or changed, not unchanged or removed ones', () => {
    const before = new Map([['flake.nix', 'file:1'], ['Makefile', 'file:2'], ['.envrc', 'file:3']])
    const after = new Map([['flake.nix', 'file:9'], ['Makefile', 'file:2'], ['package.json', 'link:4']])
    const items = filesToReview(before, after)
    expect(items).toEqual([
      { path: 'flake.nix', change: 'changed', runBy: 'nix develop / nix build' },
      { path: 'package.json', change: 'created', runBy: 'npm install / npm run (scripts)' },
    ])
    expect(reviewNotice(items)).toBe(
      'review before you run: the session created or changed files your host runs: flake.nix (changed; nix develop / nix build), package.json (created; npm install / npm run (scripts))',
    )
    expect(reviewNotice([])).toBeNull()
  })
})
