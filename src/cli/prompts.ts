// Every question wrapix asks goes through here, so tests mock one module (vi.mock('.../prompts.js')).
import { confirm as inquirerConfirm } from '@inquirer/prompts'

/** Ask yes/no on the terminal (stderr output keeps stdout clean for --json). */
export async function confirm(message: string, defaultValue = false): Promise<boolean> {
  return inquirerConfirm({ message, default: defaultValue }, { output: process.stderr })
}
