// The built-in prompt templates, one per agent step. `ralph init` copies them into the project as editable
// files; a step whose file is missing uses the built-in one. Placeholders: see prompt-template.ts.

export const TEMPLATE_NAMES = ['plan.md', 'todo.md', 'run.md', 'check.md'] as const
export type TemplateName = (typeof TEMPLATE_NAMES)[number]

const RUN = `You are working on one task of the spec "{{spec}}" in the project at /workspace.

# Task {{taskId}}: {{title}}

{{description}}

{{#specText}}
# The spec ({{specFile}})

{{specText}}
{{/specText}}
{{#notes}}
# Project notes

{{notes}}
{{/notes}}
{{#answer}}
# Your earlier question was answered

{{answer}}
{{/answer}}
{{#previousFailure}}
# The previous attempt failed

{{previousFailure}}
Start from the current state of the files; fix what went wrong.
{{/previousFailure}}
# How to finish

Do the task, run the project's checks, and commit your work with git (a clear message naming {{taskId}}).
Then end your final message with exactly one of these lines, on a line of its own:
RALPH_COMPLETE
RALPH_BLOCKED: <why you cannot continue>
RALPH_CLARIFY: <the question a human must answer; number options as "### Option N — title">
`

const TODO = `You turn the spec "{{spec}}" ({{specFile}}) into tasks for a queue. Each task is later done by an
agent in a fresh session that sees the task, the spec and the project, nothing else.
Read the project at /workspace as much as you need, but change no file.

{{#specDiff}}
# What changed in the spec since the last todo (commit {{sinceCommit}})

Propose tasks for this change only: the rest of the spec is covered by the tasks listed below.

\`\`\`diff
{{specDiff}}
\`\`\`
{{/specDiff}}
{{#specText}}
# The spec

{{specText}}
{{/specText}}
{{#existingTasks}}
# Tasks already in the queue (do not propose these again)

{{existingTasks}}
{{/existingTasks}}
# How to answer

Small tasks, each one commit's worth of work, each with a description that says how to know it is done.
{{taskFormat}}
`

const CHECK = `You review the work done for the spec "{{spec}}" ({{specFile}}) in the project at /workspace.
Compare what was built (the changes since commit {{baseCommit}}) with the spec. Change no file.

# The spec

{{specText}}

# The tasks that were done

{{doneTasks}}

# The changes since {{baseCommit}}

{{diffStat}}
{{#diff}}
\`\`\`diff
{{diff}}
\`\`\`
{{/diff}}
Run \`git diff {{baseCommit}}\` for more. This is review round {{iteration}} of at most {{maxIterations}}.

# How to answer

If the work meets the spec, answer with an empty task list. Otherwise propose fix-up tasks: only what
the spec asks for and the work does not do (or does wrongly), no polish.
{{taskFormat}}
`

const PLAN = `You help me write the spec "{{spec}}" for this project (the project is at /workspace).
{{#update}}
The spec exists: read /workspace/{{specFile}} first; we will update it.
{{/update}}
Interview me: ask one short question at a time about what I want, who it is for, what "done" means and
what is out of scope, until you can write a clear spec. Then write it to /workspace/{{specFile}}
(Markdown: a title, the goal, the requirements as a list, what is out of scope, how to test it), show
me a summary and tell me to exit (/exit) when I am happy with it. Do not start implementing anything.
`

export const DEFAULT_TEMPLATES: Readonly<Record<TemplateName, string>> = { 'run.md': RUN, 'todo.md': TODO, 'check.md': CHECK, 'plan.md': PLAN }
