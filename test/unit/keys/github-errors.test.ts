import { describe, expect, it } from 'vitest'
import { githubError, githubNetworkError, scopeSatisfied } from '../../../src/keys/github-errors.js'

const facts = (status: number, headers: Record<string, string> = {}, body: unknown = { message: 'x' }) => ({
  status,
  header: (n: string) => headers[n.toLowerCase()] ?? null,
  body,
})
const signing = { what: 'register the SSH signing key on your account', scopes: ['write:ssh_signing_key', 'admin:ssh_signing_key'] }
const deploy = { what: 'register the deploy key on ada/wrapix', scopes: ['repo'], repository: 'ada/wrapix' }

describe('scopeSatisfied', () => {
  it('follows GitHub scope hierarchy', () => {
    expect(scopeSatisfied(['admin:ssh_signing_key'], ['write:ssh_signing_key'])).toBe(true)
    expect(scopeSatisfied(['write:ssh_signing_key'], ['read:ssh_signing_key'])).toBe(true)
    expect(scopeSatisfied(['read:ssh_signing_key'], ['admin:ssh_signing_key'])).toBe(false)
    expect(scopeSatisfied(['repo'], ['public_repo'])).toBe(true)
    expect(scopeSatisfied(['public_repo'], ['repo'])).toBe(false)
  })
})

describe('githubError', () => {
  it('names the missing scope and the gh command that adds it', () => {
    const err = githubError(facts(404, { 'x-oauth-scopes': 'repo, read:org', 'x-accepted-oauth-scopes': 'admin:ssh_signing_key, write:ssh_signing_key' }), signing, 'gh', 'github.com')
    expect(err.kind).toBe('host')
    expect(err.message).toContain('lacks the admin:ssh_signing_key scope (has: repo, read:org)')
    expect(err.hint).toBe('run: gh auth refresh -h github.com -s admin:ssh_signing_key')
  })
  it('tells an env-token user which variable holds the weak token', () => {
    const err = githubError(facts(403, { 'x-oauth-scopes': '' }), deploy, 'GH_TOKEN', 'github.com')
    expect(err.message).toContain('lacks the repo scope (has: none)')
    expect(err.hint).toContain('GH_TOKEN')
  })
  it('reports 404 on a repository with scope as repository not found', () => {
    const err = githubError(facts(404, { 'x-oauth-scopes': 'repo' }, { message: 'Not Found' }), deploy, 'gh', 'github.com')
    expect(err.kind).toBe('usage')
    expect(err.message).toContain('ada/wrapix was not found')
  })
  it('reports 422 key in use with GitHub’s own words', () => {
    const body = { message: 'Validation Failed', errors: [{ message: 'key is already in use' }] }
    const err = githubError(facts(422, {}, body), deploy, 'gh', 'github.com')
    expect(err.message).toContain('key is already in use')
    expect(err.hint).toContain('-f')
  })
  it('reports bad credentials as 401 with the token source', () => {
    const err = githubError(facts(401, {}, { message: 'Bad credentials' }), deploy, 'GITHUB_TOKEN', 'github.com')
    expect(err.message).toBe('GitHub rejected the token from GITHUB_TOKEN (401: Bad credentials)')
  })
  it('reports an exhausted rate limit', () => {
    const err = githubError(facts(403, { 'x-oauth-scopes': 'repo', 'x-ratelimit-remaining': '0' }), deploy, 'gh', 'github.com')
    expect(err.message).toContain('rate limit')
  })
  it('names the unreachable API and the refused connection', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    const err = githubNetworkError('http://127.0.0.1:9', deploy, new TypeError('fetch failed', { cause }))
    expect(err.message).toBe('cannot reach the GitHub API at http://127.0.0.1:9 to register the deploy key on ada/wrapix (ECONNREFUSED)')
  })
})
