{
  description = "A project whose nix develop shell has wrapix, and whose wrapix sandbox has the shell's tools";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    # The flake you ran `nix flake init -t` with.
    wrapix.url = "github:OWNER/wrapix";
    wrapix.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs =
    { nixpkgs, wrapix, ... }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      devShells = forAllSystems (pkgs: {
        # wrapix, ralph, setup-deploy-key and wrapix-builder on PATH, plus these packages; `wrapix` started
        # here runs its agent in an image (profile "base") holding these same packages.
        default = wrapix.lib.mkDevShell {
          inherit pkgs;
          packages = with pkgs; [ nodejs_22 ripgrep git ];
          profile = "base";
          shellHook = ''
            echo "wrapix: run 'wrapix' to start an agent in a sandbox with this shell's tools"
          '';
        };
      });
    };
}
