// Where the GitHub token comes from: GH_TOKEN, GITHUB_TOKEN, else `gh auth token` when gh is installed.
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import type { TokenSource } from './github-errors.js'

export interface GithubToken {
  readonly token: string
  readonly source: TokenSource
}

export async function resolveGithubToken(env: NodeJS.ProcessEnv, host: string): Promise<GithubToken> {
  for (const name of ['GH_TOKEN', 'GITHUB_TOKEN'] as const) {
    const value = env[name]?.trim()
    if (value) return { token: value, source: name }
  }
  const gh = await execa('gh', ['auth', 'token', '--hostname', host], { env, reject: false, timeout: 10_000, stdin: 'ignore' })
  const token = gh.exitCode === 0 ? gh.stdout.trim() : ''
  if (token) return { token, source: 'gh' }
  const why = gh.failed && (gh as { code?: string }).code === 'ENOENT' ? 'gh is not installed' : `gh is not logged in to ${host}`
  throw new WrapixError('host', `no GitHub token: GH_TOKEN and GITHUB_TOKEN are unset and ${why}`,
    `log in with: gh auth login -h ${host} -s repo,admin:ssh_signing_key (or set GH_TOKEN)`)
}
