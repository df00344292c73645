{
  description = "wrapix: run AI coding agents in sandboxes, with an allowlist network policy enforced from outside";

  # Pinned by flake.lock (nixos-unstable); nix/nixpkgs.nix reads the same lock for non-flake use.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      # wrapix built with the caller's nixpkgs: its commands come from package.json's "bin".
      wrapixFor = pkgs: pkgs.callPackage ./nix/package.nix { };
    in
    {
      packages = forAllSystems (pkgs: rec {
        wrapix = wrapixFor pkgs;
        default = wrapix;
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.default}/bin/wrapix";
        };
      });

      overlays.default = final: _prev: { wrapix = wrapixFor final; };

      # wrapix's own shell: the tools it drives, and its commands running from this checkout.
      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages =
            (with pkgs; [ nodejs_20 git jq socat ])
            ++ pkgs.callPackage ./nix/checkout-bins.nix { }
            ++ pkgs.lib.optionals pkgs.stdenv.isLinux (with pkgs; [ podman crun gvisor passt slirp4netns debootstrap tmux ]);
          shellHook = ''
            export WRAPIX_CHECKOUT="$(git rev-parse --show-toplevel 2>/dev/null || pwd)"
            [ -d "$WRAPIX_CHECKOUT/dist" ] || echo "wrapix: run 'npm install && npm run build' before using wrapix from this checkout"
          '';
        };
      });

      templates.default = {
        path = ./templates/default;
        description = "a project whose nix develop shell has wrapix, and whose sandbox has the shell's tools";
      };

      lib = {
        # A dev shell with wrapix on PATH and a sandbox image holding `packages` (see nix/dev-shell.nix):
        #   devShells.default = wrapix.lib.mkDevShell { inherit pkgs; packages = [ pkgs.nodejs_22 ]; profile = "base"; };
        mkDevShell = import ./nix/dev-shell.nix { inherit wrapixFor; };

        # Build a profile image from a spec (the JSON src/image/nix-build.ts writes):
        #   wrapix.lib.image { pkgs = nixpkgs.legacyPackages.x86_64-linux; spec = builtins.fromJSON ...; }
        image = { pkgs, spec }: import ./nix/image.nix { inherit pkgs spec; };
      };
    };
}
