// The session entrypoint script: seed the tmpfs home from the session files, run agent setup, exec the command.
import { HOME_SEED } from './plan.js'

export function entrypointScript(setup: readonly string[]): string {
  return [
    '#!/bin/sh',
    '# wrapix session entrypoint (generated): seed $HOME, prepare the agent, then become the command.',
    'set -e',
    `if [ -d ${HOME_SEED} ]; then cp -R ${HOME_SEED}/. "$HOME"/; fi`,
    ...setup,
    'exec "$@"',
    '',
  ].join('\n')
}
