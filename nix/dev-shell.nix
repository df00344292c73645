# wrapix.lib.mkDevShell: a dev shell with wrapix's commands on PATH whose sandbox image holds the shell's
# own packages. The shell points wrapix at a generated profile (WRAPIX_DEVSHELL_PROFILE, a file in the store)
# that extends `profile` and lists the packages by store path, so nix/image.nix puts those exact builds in
# the image and `node`/`rg` in the sandbox are the shell's. wrapix treats that file like a project profile:
# it is used only once approved on the host (`wrapix policy approve <file>`), since it changes the image.
{ wrapixFor }:
{
  pkgs,
  packages ? [ ],
  profile ? "base",
  shellHook ? "",
  ...
}@args:
let
  # On macOS the shell's packages are Darwin builds, which a Linux image cannot run: there the image keeps
  # only the profile's own packages, and the shell says so.
  linux = pkgs.stdenv.isLinux;
  devshellProfile = {
    description = "the packages of a nix develop shell";
    extends = profile;
    # "${p}" is the package's default output (the one with bin/ for split packages), with its context.
    packages.nix = if linux then map (p: "${p}") packages else [ ];
  };
  darwinNote = ''
    echo "wrapix: on macOS the sandbox image does not get this shell's packages (they are Darwin builds); list them in a profile's packages.nix" >&2
  '';
  profileFile = pkgs.writeText "wrapix-devshell-profile.json" (builtins.toJSON devshellProfile);
  rest = builtins.removeAttrs args [ "pkgs" "packages" "profile" "shellHook" ];
in
pkgs.mkShell (
  rest
  // {
    packages = [ (wrapixFor pkgs) ] ++ packages;
    WRAPIX_DEVSHELL_PROFILE = profileFile;
    shellHook = (if linux || packages == [ ] then "" else darwinNote) + shellHook;
    passthru = (rest.passthru or { }) // { wrapixProfile = devshellProfile; };
  }
)
