// The runtime's whole command line for a plan (podman, or Apple's `container` on macOS), and for macOS the single
// files to stage first. One place for --dry-run, the record and the launch, so all three show the same command.
import type { SandboxPlan } from '../sandbox/plan.js'
import { appleContainerArgv } from './apple-container.js'
import { planStaging, sourceKinds, type StagedFile } from './apple-staging.js'
import { podmanArgv } from './podman.js'

export type Engine = 'podman' | 'container'

export interface RuntimeCommand {
  readonly program: Engine
  readonly args: readonly string[]
  /** macOS: single files copied into the session directory before the VM starts. */
  readonly staged: readonly StagedFile[]
}

export async function runtimeCommand(plan: SandboxPlan): Promise<RuntimeCommand> {
  if (plan.backend !== 'apple-container') return { program: 'podman', args: podmanArgv(plan), staged: [] }
  const staged = planStaging(plan, await sourceKinds(plan))
  return { program: 'container', args: appleContainerArgv(plan, staged), staged }
}
