// How a denied host is shown at the end of a session: the command that allows it, or why no rule can.
import type { DeniedHost } from '../network/audit-log.js'

export const formatDenial = (d: DeniedHost): string =>
  `denied ${d.host}:${d.port} (${d.count}×): ${d.allowCommand ? `to allow it: ${d.allowCommand}` : d.reason}`
