#!/usr/bin/env node
// ralph: batch runs of the agent, one wrapix sandbox per task (compiled code in ../dist).
import { main } from '../dist/bundle/ralph.js'

process.exitCode = await main(process.argv.slice(2))
