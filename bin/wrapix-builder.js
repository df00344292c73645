#!/usr/bin/env -S node --
// wrapix-builder: a local Linux builder with sshd and the Nix daemon (compiled code in ../dist).
import { main } from '../dist/bundle/wrapix-builder.js'

process.exitCode = await main(process.argv.slice(2))
