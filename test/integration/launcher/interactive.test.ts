// An interactive session in a real terminal (tmux): the sandbox sees the terminal's size and its
// changes, Ctrl-C reaches the command inside (not wrapix), and exit ends the session cleanly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isolatedHome, tempProject, WRAPIX_BIN, requireBuiltCli, type IsolatedHome, type TempProject } from '../../helpers/cli.js'
import { podmanPs, removeContainersByLabel, requirePodman, waitForNoContainers } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, sandboxFlags } from '../../helpers/sandbox.js'
import { startTmux, type TmuxSession } from '../../helpers/tmux.js'

const podman = await requirePodman()
const PROMPT = 'sbx-ready$ '
// capture-pane trims trailing spaces; ^ keeps the typed `PS1=…` line (after the old prompt) from matching.
const PROMPT_LINE = /^sbx-ready\$/m

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('interactive session in a terminal (%s boundary)', (boundary) => {
  let project: TempProject
  let home: IsolatedHome
  let tmux: TmuxSession | undefined
  beforeEach(async () => {
    requireBuiltCli()
    project = await tempProject()
    home = await isolatedHome()
  })
  afterEach(async () => {
    await tmux?.kill()
    tmux = undefined
    await removeContainersByLabel({ 'wrapix.workspace': project.dir })
    await project.cleanup()
    await home.cleanup()
  })

  async function startBash(cols: number, rows: number): Promise<TmuxSession> {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...home.env }
    const command = [process.execPath, WRAPIX_BIN, 'run', project.dir, ...sandboxFlags(boundary), '--', 'bash', '--norc', '--noprofile']
    tmux = await startTmux(command, { cols, rows, cwd: project.dir, env })
    await tmux.waitForText(/[$#] ?$/m, 60_000) // bash's default prompt
    await tmux.type(`PS1='${PROMPT}'`)
    await tmux.keys('Enter')
    await tmux.waitForText(PROMPT_LINE)
    return tmux
  }

  it('shows the terminal size, follows a resize, passes Ctrl-C to the command and exits with its code', async () => {
    const term = await startBash(91, 27)

    await term.type('stty size')
    await term.keys('Enter')
    await term.waitForText(/^27 91$/m)

    await term.resize(103, 31)
    await term.type('sleep 0.5; stty size')
    await term.keys('Enter')
    await term.waitForText(/^31 103$/m)

    // Ctrl-C interrupts the foreground command in the sandbox; the shell (and wrapix) carry on.
    await term.type('sleep 60; echo NOT-INTERRUPTED')
    await term.keys('Enter')
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await term.keys('C-c')
    await term.type('echo "status=$?"')
    await term.keys('Enter')
    const screen = await term.waitForText(/^status=130$/m, 10_000)
    expect(screen).not.toMatch(/^NOT-INTERRUPTED$/m)
    expect((await podmanPs({ 'wrapix.workspace': project.dir })).length).toBe(1)

    await term.type('exit 3')
    await term.keys('Enter')
    expect(await term.waitForExit(30_000)).toBe(3)
    expect(await waitForNoContainers({ 'wrapix.workspace': project.dir })).toEqual([])
  })

  it('wrapix shell opens a login shell in /workspace that Ctrl-D ends cleanly', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...home.env }
    tmux = await startTmux([process.execPath, WRAPIX_BIN, 'shell', project.dir, ...sandboxFlags(boundary)], { cols: 80, rows: 24, cwd: project.dir, env })
    await tmux.waitForText(/[$#] ?$/m, 60_000)
    await tmux.type('echo "in=$(pwd) sandbox=$IS_SANDBOX"')
    await tmux.keys('Enter')
    await tmux.waitForText(/^in=\/workspace sandbox=1$/m)
    await tmux.keys('C-d')
    expect(await tmux.waitForExit(30_000)).toBe(0)
    expect(await waitForNoContainers({ 'wrapix.workspace': project.dir })).toEqual([])
  })
})
