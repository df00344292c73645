// Apple `container build` (macOS) argv for profile images: pure, same inputs as the podman builder.
// Apple's builder is BuildKit-based and unpacks local tarballs on ADD like podman does.
import type { BuildRequest } from './podman-build.js'

export function appleBuildArgv(req: BuildRequest): string[] {
  return [
    'build',
    '--tag', req.tag,
    '--file', req.containerfile,
    ...Object.entries(req.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...(req.noCache ? ['--no-cache'] : []),
    '--progress', 'plain', // one line per step: readable in the log
    req.context,
  ]
}
