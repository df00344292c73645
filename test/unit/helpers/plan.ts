// aPlan(overrides): a complete, valid SandboxPlan literal; aPlanInput(overrides): a complete planSandbox() input.
import type { PlanInput } from '../../../src/sandbox/plan-sandbox.js'
import type { PlannedBind, SandboxPlan } from '../../../src/sandbox/plan.js'
import { aHost } from './host.js'
import { aProfile, aSettings, dirs } from './settings.js'

export const PROJECT = '/home/ada/src/app'

export const bind = (source: string, dest: string, readOnly = false): PlannedBind => ({ kind: 'bind', source, dest, readOnly })

export function aPlan(overrides: Partial<SandboxPlan> = {}): SandboxPlan {
  return {
    sessionId: 'a1b2c3d4e5f6',
    backend: 'podman',
    containerName: 'wrapix-a1b2c3d4e5f6',
    boundary: 'container',
    boundaryNote: null,
    runtime: 'crun',
    runtimePath: null,
    image: 'localhost/wrapix-base:bookworm',
    profile: 'base',
    agent: 'shell',
    workspace: PROJECT,
    workdir: '/workspace',
    mounts: [bind(PROJECT, '/workspace'), bind('/run/user/1000/wrapix/a1b2c3d4e5f6/files', '/etc/wrapix', true), { kind: 'tmpfs', dest: '/home/wrapix' }],
    files: [],
    filesDir: '/run/user/1000/wrapix/a1b2c3d4e5f6/files',
    hostDirs: [],
    env: { LANG: 'C.UTF-8', IS_SANDBOX: '1' },
    secretNames: [],
    secretsVia: 'runtime-env',
    credentials: { injected: [], record: [], notices: [] },
    limits: { cpus: 2, memoryMb: 4096, pids: 4096, enforced: true },
    user: { uid: 1000, gid: 1000, name: 'wrapix', home: '/home/wrapix', userns: { kind: 'keep-id' } },
    network: { mode: 'none', socketDir: null },
    tty: false,
    command: ['/bin/sh', '/etc/wrapix/session/entry.sh', 'true'],
    mode: 'command',
    agentSessionId: null,
    agentConfigDir: null,
    labels: { 'wrapix.managed': 'true', 'wrapix.session': 'a1b2c3d4e5f6' },
    git: { layout: { kind: 'none', dotGit: `${PROJECT}/.git` }, sessionGitDir: null, dotGitFile: null },
    ...overrides,
  }
}

export function aPlanInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    sessionId: 'a1b2c3d4e5f6',
    settings: aSettings(),
    profile: aProfile(),
    host: aHost(),
    workspace: { path: PROJECT, explicit: false },
    pathFacts: dirs(PROJECT),
    gitLayout: { kind: 'none', dotGit: `${PROJECT}/.git` },
    cwd: PROJECT,
    hostEnv: {},
    flagEnvNames: [],
    git: { name: 'Ada Lovelace', email: 'ada@example.com' },
    image: 'localhost/wrapix-base:bookworm',
    command: ['true'],
    shell: false,
    tty: false,
    runtimeDir: '/run/user/1000/wrapix',
    allowedHosts: [],
    ...overrides,
  }
}
