#!/usr/bin/env -S node --
// setup-deploy-key: create and register a deploy key and a signing key (compiled code in ../dist).
import { main } from '../dist/bundle/setup-deploy-key.js'

process.exitCode = await main(process.argv.slice(2))
