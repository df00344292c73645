// `wrapix policy approve`: records an approval (a project file's real path and content hash) in the user
// config, keeping the rest of the YAML as written (pure).
import { isMap, isSeq, parseDocument } from 'yaml'
import type { Approval } from '../config/approval.js'
import { WrapixError } from '../errors.js'

const fileOf = (item: unknown): unknown => (isMap(item) ? item.get('file') : undefined)
const hashOf = (item: unknown): unknown => (isMap(item) ? item.get('hash') : undefined)

/**
 * Returns the user config text with `approval` in `approvedPolicies` (unchanged when already there). An
 * earlier approval of the same file is replaced: only the content approved last applies.
 * Comments, order and other keys stay as the user wrote them.
 */
export function addApprovedPolicy(userConfigText: string | null, approval: Approval, file: string): { text: string; added: boolean } {
  const doc = parseDocument(userConfigText ?? '')
  if (doc.errors.length > 0) {
    throw new WrapixError('config', `${file}: ${doc.errors[0]?.message.split('\n')[0]}`, `fix ${file}, then run wrapix policy approve again`)
  }
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents
  if (!isMap(doc.contents)) throw new WrapixError('config', `${file}: expected a mapping at the top`, `fix ${file}`)
  const entry = doc.createNode({ file: approval.file, hash: approval.hash })
  const list = doc.get('approvedPolicies')
  if (list === undefined || list === null) {
    doc.set('approvedPolicies', doc.createNode([entry]))
    return { text: doc.toString(), added: true }
  }
  if (!isSeq(list)) throw new WrapixError('config', `${file}: approvedPolicies must be a list`, `fix ${file}`)
  if (list.items.some((item) => fileOf(item) === approval.file && hashOf(item) === approval.hash)) return { text: doc.toString(), added: false }
  list.items = list.items.filter((item) => fileOf(item) !== approval.file)
  list.add(entry)
  return { text: doc.toString(), added: true }
}
