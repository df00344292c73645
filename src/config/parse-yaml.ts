// Pure parsing of a YAML config text against a zod schema; every problem is reported with file, line and field.
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Node } from 'yaml'
import type { z } from 'zod'
import { WrapixError } from '../errors.js'

const MAX_ALIAS_COUNT = 100

export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string, checkHint: string): z.infer<S> {
  const lines = new LineCounter()
  // uniqueKeys is checked below in one pass: the library's own check compares every key with every other
  // (20,000 env keys took 14 s).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false })
  const duplicate = firstDuplicateKey(doc.contents)
  if (duplicate !== undefined) {
    throw new WrapixError('config', `${file}:${lines.linePos(duplicate).line}: invalid YAML: Map keys must be unique`, checkHint)
  }
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!
    const line = first.linePos?.[0]?.line ?? lines.linePos(first.pos[0]).line
    throw new WrapixError('config', `${file}:${line}: invalid YAML: ${first.message.split('\n')[0]}`, checkHint)
  }
  let data: unknown
  try {
    // Aliases are expanded here: a "billion laughs" file must be a config error, not minutes of work or a crash.
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}
  } catch (err) {
    throw new WrapixError('config', `${file}: too many YAML aliases (${(err as Error).message.split('\n')[0]})`, checkHint)
  }
  const result = schema.safeParse(data)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String)
    // An unknown field's issue points at its parent object; the line a user must fix is the field's own.
    const linePath = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path
    const line = lineOf(doc.contents, linePath, lines)
    const where = line ? `${file}:${line}` : file
    const field = path.join('.') || '(top level)'
    return `${where}: ${field}: ${describeIssue(issue)}`
  })
  throw new WrapixError('config', problems.join('; '), checkHint)
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
  return issue.message
}

/** Offset of the first key that repeats a key of the same map, anywhere in the document. */
function firstDuplicateKey(root: unknown): number | undefined {
  const stack = [root as Node | null | undefined]
  while (stack.length > 0) {
    const node = stack.pop()
    if (isMap(node)) {
      const seen = new Set<string>()
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null
        const key = isScalar(keyNode) ? `${typeof keyNode.value}:${String(keyNode.value)}` : undefined
        if (key !== undefined && seen.has(key)) return keyNode && 'range' in keyNode && keyNode.range ? keyNode.range[0] : 0
        if (key !== undefined) seen.add(key)
        stack.push(pair.value as Node)
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item as Node)
    }
  }
  return undefined
}

/** Line of the deepest node on `path` that exists in the document (1-based), if any. */
function lineOf(root: unknown, path: string[], lines: LineCounter): number | undefined {
  let node = root as Node | null | undefined
  let best: number | undefined = rangeLine(node, lines)
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => String((item.key as { value?: unknown } | null)?.value ?? item.key) === key)
      if (!pair) break
      best = rangeLine(pair.key as Node, lines) ?? best
      node = pair.value as Node
    } else if (isSeq(node)) {
      node = node.items[Number(key)] as Node
      best = rangeLine(node, lines) ?? best
    } else break
  }
  return best
}

function rangeLine(node: Node | null | undefined, lines: LineCounter): number | undefined {
  const start = node && 'range' in node && node.range ? node.range[0] : undefined
  return start === undefined ? undefined : lines.linePos(start).line
}
