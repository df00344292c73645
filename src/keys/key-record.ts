// The JSON sidecar stored next to each key pair: repository, dates, registration and GitHub key ids.
import { z } from 'zod'

const PublicKeyInfo = z.strictObject({
  publicKey: z.string().min(1).describe('the authorized_keys line registered with GitHub'),
  fingerprint: z.string().startsWith('SHA256:'),
  remoteId: z.number().int().nullable().describe('GitHub id of the registered key, null when not registered'),
})
export type PublicKeyInfo = z.infer<typeof PublicKeyInfo>

export const KeyRecordSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  repository: z.string().regex(/^[^/]+\/[^/]+$/, 'must be owner/repo'),
  githubApi: z.string().url().describe('REST API base the keys were registered with'),
  created: z.iso.datetime(),
  registered: z.boolean().describe('false when a registration step failed and was not rolled back'),
  readOnly: z.boolean(),
  deploy: PublicKeyInfo,
  signing: PublicKeyInfo.nullable(),
  checkouts: z
    .array(z.string().startsWith('/'))
    .optional()
    .describe("common git dirs (real paths) of the checkouts this key was set up in: sessions get the key there only; absent in keys made before pinning"),
})
export type KeyRecord = z.infer<typeof KeyRecordSchema>
