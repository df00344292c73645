// `npm run schema`: writes docs/session-record.schema.json from the zod schema in src/session/record-schema.ts.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sessionRecordJsonSchema } from '../src/session/record-schema.js'

export const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'session-record.schema.json')
export const renderRecordSchema = (): string => `${JSON.stringify(sessionRecordJsonSchema(), null, 2)}\n`

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, renderRecordSchema())
  console.log(`wrote ${SCHEMA_FILE}`)
}
