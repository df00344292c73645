// `wrapix policy approve`: adds a project file's content hash to the user config, keeping the rest of the YAML (pure).
import { isMap, isSeq, parseDocument } from 'yaml'
import { WrapixError } from '../errors.js'

/**
 * Returns the user config text with `hash` in `approvedPolicies` (unchanged when already there).
 * Comments, order and other keys stay as the user wrote them.
 */
export function addApprovedPolicy(userConfigText: string | null, hash: string, file: string): { text: string; added: boolean } {
  const doc = parseDocument(userConfigText ?? '')
  if (doc.errors.length > 0) {
    throw new WrapixError('config', `${file}: ${doc.errors[0]?.message.split('\n')[0]}`, `fix ${file}, then run wrapix policy approve again`)
  }
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents
  if (!isMap(doc.contents)) throw new WrapixError('config', `${file}: expected a mapping at the top`, `fix ${file}`)
  const list = doc.get('approvedPolicies')
  if (list === undefined || list === null) {
    doc.set('approvedPolicies', doc.createNode([hash]))
    return { text: doc.toString(), added: true }
  }
  if (!isSeq(list)) throw new WrapixError('config', `${file}: approvedPolicies must be a list`, `fix ${file}`)
  if (list.items.some((item) => String((item as { value?: unknown }).value ?? item) === hash)) return { text: doc.toString(), added: false }
  list.add(doc.createNode(hash))
  return { text: doc.toString(), added: true }
}
