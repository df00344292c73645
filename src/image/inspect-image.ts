// The cache-hit check on the start-up path: one `podman image inspect`, spawned with node:child_process
// rather than execa, so that this path does not pay for loading execa (~100 ms on our machines).
import { execFile } from 'node:child_process'

/** Image id, or null when the image is not in local storage. */
export function inspectImageId(ref: string, program = 'podman'): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(program, ['image', 'inspect', '--format', '{{.Id}}', ref], { encoding: 'utf8' }, (error, stdout) => {
      resolve(error ? null : stdout.trim() || null)
    })
  })
}
