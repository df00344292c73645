// Key ages and the rotation advice: deploy keys after 90 days, builder keys after 180 (pure).

export const MAX_KEY_AGE_DAYS = { deploy: 90, builder: 180 } as const
export type AgedKeyKind = keyof typeof MAX_KEY_AGE_DAYS

const DAY_MS = 86_400_000

export function keyAgeDays(created: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(created)) / DAY_MS))
}

/** The warning for a key older than its kind allows, or null. */
export function keyAgeWarning(kind: AgedKeyKind, name: string, created: string, now: Date): string | null {
  const age = keyAgeDays(created, now)
  const max = MAX_KEY_AGE_DAYS[kind]
  if (age <= max) return null
  return `${kind} key "${name}" is ${age} days old (rotate after ${max}): wrapix keys rotate ${name}`
}
