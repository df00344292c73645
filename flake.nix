{
  description = "wrapix: run AI coding agents in sandboxes, with an allowlist network policy enforced from outside";

  # Pinned by flake.lock (nixos-unstable); nix/nixpkgs.nix reads the same lock for non-flake use.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: rec {
        wrapix = pkgs.callPackage ./nix/package.nix { };
        default = wrapix;
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.default}/bin/wrapix";
        };
      });

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages =
            (with pkgs; [ nodejs_20 git jq socat ])
            ++ pkgs.lib.optionals pkgs.stdenv.isLinux (with pkgs; [ podman crun gvisor passt slirp4netns debootstrap tmux ]);
        };
      });

      # Build a profile image from a spec (the JSON src/image/nix-build.ts writes):
      #   wrapix.lib.image { pkgs = nixpkgs.legacyPackages.x86_64-linux; spec = builtins.fromJSON ...; }
      lib.image = { pkgs, spec }: import ./nix/image.nix { inherit pkgs spec; };
    };
}
