// HostFacts: what the host offers, as plain data. The planner decides from these; tests write them as literals.

export interface SubIdRange {
  readonly start: number
  readonly count: number
}

/** Invoked as root: whether the sandbox can get a user namespace of its own (see host/root-userns.ts). */
export interface RootUserns {
  readonly usable: boolean
  /** Why not, in one line naming what is missing; null when usable. */
  readonly reason: string | null
}

export interface HostFacts {
  readonly os: NodeJS.Platform
  /** The kernel release (os.release()): on macOS the Darwin version, whose major is the macOS major minus one. */
  readonly osRelease: string
  readonly arch: string
  readonly cpus: number
  readonly user: { readonly uid: number; readonly gid: number; readonly name: string; readonly home: string }
  readonly podman: {
    readonly path: string | null
    readonly version: string | null // only probed by `wrapix doctor`
    readonly rootless: boolean
  }
  readonly runtimes: {
    readonly krun: string | null // a krun binary, or crun built with libkrun (then run with run.oci.handler=krun)
    readonly runsc: string | null
    readonly crun: string | null
  }
  readonly kvm: { readonly usable: boolean; readonly reason?: string }
  readonly appleContainer: string | null
  readonly cgroup: 'v1' | 'v2' | 'hybrid' | 'unknown'
  /** Subordinate ids of the invoking user: rootless podman needs them for its user namespace. */
  readonly subIds: { readonly uid: SubIdRange | null; readonly gid: SubIdRange | null }
  /** The system CA bundle (the first of the usual places that exists), or null. */
  readonly caBundle: string | null
  // The network needs no host tool any more (the relay runs inside the sandbox); setpriv ties podman's life to wrapix's.
  readonly tools: { readonly setpriv: string | null; readonly newuidmap?: string | null }
  /** Root only, probed for the paths one session binds (preparePlan, doctor); absent: not probed, so not used. */
  readonly rootUserns?: RootUserns
}
