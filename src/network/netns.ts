// Named network namespaces for sessions: create with loopback up, delete, and run a command inside.
import { execa } from 'execa'
import { WrapixError } from '../errors.js'

async function ip(args: string[]): Promise<void> {
  const r = await execa('ip', args, { reject: false, stdin: 'ignore' })
  if (r.failed) {
    const why = (String(r.stderr ?? '') || (r.message ?? 'failed')).split('\n')[0] ?? 'failed'
    throw new WrapixError('host', `ip ${args.join(' ')}: ${why}`, 'wrapix needs root (or CAP_NET_ADMIN) and iproute2 for limit and open network modes; or use --network none')
  }
}

/** Creates /run/netns/NAME with only a loopback interface, up. */
export async function createNetns(name: string): Promise<void> {
  await ip(['netns', 'add', name])
  try {
    await ip(['-n', name, 'link', 'set', 'lo', 'up'])
  } catch (err) {
    await deleteNetns(name)
    throw err
  }
}

/** Deletes the namespace; quiet when it is already gone (teardown runs on every exit path). */
export async function deleteNetns(name: string): Promise<void> {
  await execa('ip', ['netns', 'delete', name], { reject: false, stdin: 'ignore' })
}

export async function netnsExists(name: string): Promise<boolean> {
  const r = await execa('ip', ['netns', 'list'], { reject: false })
  return r.stdout.split('\n').some((line) => line.split(' ')[0] === name)
}

/** Argv prefix that runs a command inside the namespace. */
export const inNetns = (name: string, argv: readonly string[]): string[] => ['netns', 'exec', name, ...argv]
