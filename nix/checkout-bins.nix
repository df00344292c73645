# The commands of package.json's "bin" (wrapix, setup-deploy-key, wrapix-builder, ralph, …) as small
# wrappers that run the checkout's bin/*.js, for wrapix's own `nix develop` (run `npm run build` first).
# WRAPIX_CHECKOUT is set by the dev shell's hook to the repository root.
{ lib, writeShellScriptBin, nodejs_20 }:
lib.mapAttrsToList (
  name: script:
  writeShellScriptBin name ''
    exec ${nodejs_20}/bin/node "''${WRAPIX_CHECKOUT:?run this from wrapix's nix develop shell}/${script}" "$@"
  ''
) (lib.importJSON ../package.json).bin
