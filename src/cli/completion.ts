// `wrapix completion bash|zsh|fish`: small scripts that ask `wrapix __complete WORDS…` for candidates, so
// commands, flags, profile names and session ids always match the installed version.
import { readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import type { Command, Option } from 'commander'
import { WrapixError } from '../errors.js'
import { projectLogDir, projectProfilesDir, wrapixPaths } from '../config/paths.js'
import { BUILTIN_PROFILES_DIR, listProfiles } from '../config/profiles.js'
import { RECORD_SUFFIX } from '../session/log-paths.js'

const SCRIPTS: Record<string, string> = {
  bash: `# wrapix completion for bash: eval "$(wrapix completion bash)"
_wrapix_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$(wrapix __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _wrapix_complete wrapix
`,
  zsh: `# wrapix completion for zsh: eval "$(wrapix completion zsh)"
_wrapix() {
  local -a candidates
  candidates=("\${(@f)$(wrapix __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _wrapix wrapix
`,
  fish: `# wrapix completion for fish: wrapix completion fish | source
complete -c wrapix -f -a '(wrapix __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
}

export function completionScript(shell: string): string {
  const script = SCRIPTS[shell]
  if (!script) throw new WrapixError('usage', `no completion for shell "${shell}"`, `use one of: ${Object.keys(SCRIPTS).join(', ')}`)
  return script
}

const PROFILE_FLAGS = new Set(['--profile', '-p'])
const SESSION_COMMANDS = new Set(['log show', 'policy log'])

/** Candidates for the last of `words` (the words after `wrapix`, the last one being typed). */
export function completeWords(program: Command, words: readonly string[], cwd = process.cwd()): string[] {
  const current = words.at(-1) ?? ''
  const done = words.slice(0, -1)
  let cmd = program
  const path: string[] = []
  for (const word of done) {
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word))
    if (sub) {
      cmd = sub
      path.push(word)
    }
  }
  const previous = done.at(-1)
  if (previous && PROFILE_FLAGS.has(previous)) return profileNames(cwd)
  const options = [...cmd.options, ...(cmd === program ? [] : program.options)]
  const valueOption = options.find((o) => previous !== undefined && (o.long === previous || o.short === previous) && (o.required || o.optional))
  if (valueOption) return [...(valueOption.argChoices ?? [])]
  if (current.startsWith('-')) return options.flatMap((o: Option) => [o.long, o.short]).filter((f): f is string => Boolean(f))
  if (SESSION_COMMANDS.has(path.join(' '))) return ['latest', ...sessionIds(cwd)]
  return cmd.commands.map((c) => c.name())
}

function profileNames(cwd: string): string[] {
  const paths = wrapixPaths(process.env, homedir(), process.getuid?.() ?? 0)
  return listProfiles({ project: projectProfilesDir(cwd), user: paths.userProfilesDir, builtin: BUILTIN_PROFILES_DIR }).map((p) => p.name)
}

function sessionIds(cwd: string): string[] {
  let names: string[] = []
  try {
    names = readdirSync(projectLogDir(cwd))
  } catch {
    return []
  }
  return names
    .filter((n) => n.endsWith(RECORD_SUFFIX) && !n.endsWith('.network.jsonl'))
    .map((n) => n.slice(0, -RECORD_SUFFIX.length).split('-')[1] ?? '')
    .filter(Boolean)
    .reverse()
}
