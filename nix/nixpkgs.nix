# The nixpkgs source that flake.lock pins, for entry points that do not use flakes (nix/build-image.nix).
# One lock for both ways in: `nix flake update` changes what this file fetches too.
let
  lock = builtins.fromJSON (builtins.readFile ../flake.lock);
  locked = lock.nodes.nixpkgs.locked;
in
builtins.fetchTarball {
  url = "https://github.com/${locked.owner}/${locked.repo}/archive/${locked.rev}.tar.gz";
  sha256 = locked.narHash;
}
