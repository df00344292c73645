// The `build` argv for profile images (pure), for podman and for Apple `container build` (macOS). Both take
// the same inputs; what differs between the engines is data in BUILD_ENGINES, not a second function.

export type BuildEngine = 'podman' | 'apple'

export interface BuildRequest {
  readonly tag: string
  readonly containerfile: string // path
  readonly context: string // directory
  readonly labels: Readonly<Record<string, string>>
  readonly noCache?: boolean
}

/** The program each engine runs, and the flags only that engine takes. */
export const BUILD_ENGINES = {
  podman: { program: 'podman', flags: ['--layers'] },
  // Apple's builder is BuildKit-based and unpacks local tarballs on ADD like podman does; plain progress
  // prints one line per step, which is readable in the log.
  apple: { program: 'container', flags: ['--progress', 'plain'] },
} as const satisfies Record<BuildEngine, { readonly program: string; readonly flags: readonly string[] }>

export function imageBuildArgv(engine: BuildEngine, req: BuildRequest): string[] {
  return [
    'build',
    '--tag', req.tag,
    '--file', req.containerfile,
    ...Object.entries(req.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...(req.noCache ? ['--no-cache'] : []),
    ...BUILD_ENGINES[engine].flags,
    req.context,
  ]
}
