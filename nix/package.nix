# wrapix itself as a Nix package. Dependencies come from package-lock.json through importNpmLock (each
# tarball fetched by its lock-file integrity hash), so there is no npmDepsHash to keep in sync.
{
  lib,
  buildNpmPackage,
  importNpmLock,
  nodejs_20,
}:
let
  root = ../.;
in
buildNpmPackage {
  pname = "wrapix";
  version = (lib.importJSON ../package.json).version;
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      ../package.json
      ../package-lock.json
      ../tsconfig.json
      ../tsconfig.build.json
      ../bin
      ../src
      ../profiles
      ../nix
      ../flake.lock
    ];
  };
  nodejs = nodejs_20;
  npmDeps = importNpmLock {
    package = lib.importJSON ../package.json;
    packageLock = lib.importJSON ../package-lock.json;
  };
  npmConfigHook = importNpmLock.npmConfigHook;
  npmBuildScript = "build";
  meta = {
    description = "Run AI coding agents in sandboxes on your own machine, with an allowlist network policy enforced from outside";
    license = lib.licenses.mit;
    mainProgram = "wrapix";
  };
}
