// Which changed paths stop `--push`: CI and automation files (they run with the repository's secrets once
// pushed) and wrapix's own settings, but not ralph's task files, which the host writes for every spec.
import { describe, expect, it } from 'vitest'
import { pushReviewPaths } from '../../../src/ralph/push.js'

describe('pushReviewPaths', () => {
  it.each([
    '.github/workflows/ci.yml', '.github/actions/setup/action.yml', '.github/dependabot.yml', '.gitlab-ci.yml', '.gitlab/ci/build.yml',
    '.circleci/config.yml', '.buildkite/pipeline.yml', 'Jenkinsfile', '.travis.yml', 'azure-pipelines.yml', '.drone.yml',
    'bitbucket-pipelines.yml', '.woodpecker/build.yml', '.forgejo/workflows/ci.yml', '.gitea/workflows/ci.yml',
    '.wrapix/ralph/config.yaml', '.wrapix/ralph/templates/run.md', '.wrapix/config.yaml', '.wrapix/ralph/logs/x.md',
  ])('refuses %s', (path) => {
    expect(pushReviewPaths(['src/a.ts', path])).toEqual([path])
  })

  it.each([
    'src/.github/workflows/ci.yml', 'docs/Jenkinsfile', '.githubx/a', '.gitlab-ci.yml.bak', 'README.md', 'hello.txt',
    '.wrapix/ralph/demo/001-write-hello.md', '.wrapix/ralph/demo/state.json', 'wrapix/x',
  ])('lets %s through', (path) => {
    expect(pushReviewPaths([path])).toEqual([])
  })
})
