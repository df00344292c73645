// What ralph remembers about a spec between commands, in `.wrapix/ralph/<spec>/state.json` (a file a human
// can review in git; a hostile commit can write it too, so every field is validated before git sees it).
import { join } from 'node:path'
import { z } from 'zod'
import { WrapixError } from '../errors.js'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { assertNoSymlinks, mkdirNoFollow } from '../fs/no-symlinks.js'
import { readProjectText } from './project-file.js'
import { RALPH_DIR } from './ralph-config.js'

const ObjectIdSchema = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a full git object id')

export const SpecStateSchema = z.strictObject({
  baseCommit: ObjectIdSchema.optional().describe("HEAD when the spec's first todo ran: check reviews the changes since"),
  todoCommit: ObjectIdSchema.optional().describe('the commit whose spec the last todo read'),
  todoBlob: ObjectIdSchema.optional().describe('the spec file (git blob) the last todo read: unchanged means nothing to do'),
  checkRounds: z.number().int().min(0).default(0).describe('review rounds of ralph check that added fix-ups'),
})
export type SpecState = z.infer<typeof SpecStateSchema>

export const specStateFile = (spec: string): string => join(RALPH_DIR, spec, 'state.json')

export async function loadSpecState(workspace: string, spec: string): Promise<SpecState> {
  const rel = specStateFile(spec)
  const text = await readProjectText(workspace, rel, 64 * 1024)
  if (text === null) return SpecStateSchema.parse({})
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new WrapixError('config', `${rel}: not valid JSON (${(err as Error).message})`, `fix or remove ${rel}`)
  }
  const parsed = SpecStateSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new WrapixError('config', `${rel}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, `fix or remove ${rel}`)
  }
  return parsed.data
}

export async function saveSpecState(workspace: string, spec: string, state: SpecState): Promise<void> {
  const path = join(workspace, specStateFile(spec))
  await mkdirNoFollow(workspace, join(workspace, RALPH_DIR, spec))
  await assertNoSymlinks(workspace, path)
  await writeFileAtomic(path, `${JSON.stringify(SpecStateSchema.parse(state), null, 2)}\n`)
}
