# Entry point used by src/image/nix-build.ts:
#   nix-build nix/build-image.nix --argstr specFile /abs/spec.json --no-out-link
# The spec file is written by wrapix (NixImageInput); the result is an image tarball for `podman load`.
{
  specFile,
  system ? builtins.currentSystem,
}:
let
  pkgs = import (import ./nixpkgs.nix) { inherit system; };
in
import ./image.nix {
  inherit pkgs;
  spec = builtins.fromJSON (builtins.readFile specFile);
}
