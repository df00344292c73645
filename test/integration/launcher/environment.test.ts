// The sandbox's environment is wrapix's, never the host's: a short passthrough list, -e values, and the
// sandbox markers. A variable set in wrapix's own environment must not leak in.
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isolatedHome, tempProject, type IsolatedHome, type TempProject } from '../../helpers/cli.js'
import { removeContainersByLabel, requirePodman } from '../../helpers/podman.js'
import { parseEnv, RUNNABLE_BOUNDARIES, runInSandbox } from '../../helpers/sandbox.js'

const podman = await requirePodman()

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('sandbox environment (%s boundary)', (boundary) => {
  let project: TempProject
  let home: IsolatedHome
  const canaryValue = `canary-${randomBytes(6).toString('hex')}`
  beforeEach(async () => {
    project = await tempProject()
    home = await isolatedHome()
  })
  afterEach(async () => {
    await removeContainersByLabel({ 'wrapix.workspace': project.dir })
    await project.cleanup()
    await home.cleanup()
  })

  it('holds the passthrough list, -e values and the markers, and nothing else of the host', async () => {
    const result = await runInSandbox(boundary, project.dir, ['env', '-0'], {
      home,
      flags: ['-e', 'SET_BY_FLAG=flag value with spaces', '-e', 'PASSED_BY_NAME'],
      env: {
        WRAPIX_TEST_CANARY: canaryValue,
        AWS_SECRET_ACCESS_KEY: `aws-${canaryValue}`,
        PASSED_BY_NAME: `named-${canaryValue}`,
        ANTHROPIC_API_KEY: `sk-ant-${canaryValue}`,
      },
    })
    expect(result.exitCode, result.stderr).toBe(0)
    const env = parseEnv(result.stdout)
    expect(env.SET_BY_FLAG).toBe('flag value with spaces')
    expect(env.PASSED_BY_NAME).toBe(`named-${canaryValue}`)
    // agent credentials stay on the host; with --network none they are withheld entirely (not even a placeholder)
    expect(env).not.toHaveProperty('ANTHROPIC_API_KEY')
    expect(env.IS_SANDBOX).toBe('1')
    expect(env.WRAPIX_SESSION_ID).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/)
    expect(env).not.toHaveProperty('WRAPIX_TEST_CANARY')
    expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY')
    expect(env).not.toHaveProperty('XDG_CONFIG_HOME')
    // No value of the host's leaks under another name either: not the canaries, not the host HOME path.
    const leaked = Object.entries(env).filter(
      ([name, value]) => (value.includes(canaryValue) && name !== 'PASSED_BY_NAME') || value.includes(home.root),
    )
    expect(leaked).toEqual([])
  })

  it("gets config-file env values through podman's environment: in the sandbox, never in podman's argv or the record", async () => {
    await mkdir(join(home.env.XDG_CONFIG_HOME!, 'wrapix'), { recursive: true })
    await writeFile(join(home.env.XDG_CONFIG_HOME!, 'wrapix', 'config.yaml'), `env:\n  DB_URL: "cfg-${canaryValue}"\n`)
    const result = await runInSandbox(boundary, project.dir, ['env', '-0'], { home, flags: ['--verbose'] })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseEnv(result.stdout).DB_URL).toBe(`cfg-${canaryValue}`)
    expect(result.stderr).toContain('DB_URL') // the verbose argv names it...
    expect(result.stderr).not.toContain(canaryValue) // ...without its value
    const records = (await readdir(join(project.dir, '.wrapix', 'log'))).filter((n) => n.endsWith('.json'))
    const record = await readFile(join(project.dir, '.wrapix', 'log', records[0]!), 'utf8')
    expect(record).toContain('DB_URL')
    expect(record).not.toContain(canaryValue)
  })

  it('never shows a passed secret value in its own output', async () => {
    const result = await runInSandbox(boundary, project.dir, ['true'], {
      home,
      flags: ['--verbose'],
      env: { ANTHROPIC_API_KEY: `sk-ant-${canaryValue}` },
    })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout + result.stderr).not.toContain(canaryValue)
  })
})
