# A profile image built with dockerTools from the spec wrapix computes for the profile (packages.nix),
# with the same layout as the Containerfile builder: agents under /opt/wrapix/agents, launchers in
# /usr/local/bin, a world-writable /home/wrapix (the launcher mounts a tmpfs there and runs with --user).
{ pkgs, spec }:
let
  inherit (pkgs) lib;
  rel = path: lib.removePrefix "/" path;
  # A package is an attribute path in nixpkgs ("python3Packages.pip") or a store path a dev shell already
  # built (nix/dev-shell.nix); builtins.storePath adds that path's closure to the image as it is.
  package = p: if lib.hasPrefix "/nix/store/" p then builtins.storePath p else lib.getAttrFromPath (lib.splitString "." p) pkgs;

  # wrapix verified each tarball against the npm registry's sha512 integrity before writing the spec;
  # builtins.path copies that exact file into the store.
  agents = map (agent: agent // {
    src = builtins.path { name = "${agent.name}.tgz"; path = /. + agent.tarball; };
  }) spec.agents;
  node = if spec.node == null then null else builtins.path { name = "node.tgz"; path = /. + spec.node; };

  launcher = agent:
    let bin = "usr/local/bin/${agent.name}";
    in
    if agent.kind == "binary" then
      "ln -s ${spec.agentsDir}/${agent.name}/${agent.entry} ${bin}"
    else ''
      printf '#!/bin/sh\nexec %s %s "$@"\n' '${spec.nodeDir}/${spec.nodeEntry}' '${spec.agentsDir}/${agent.name}/${agent.entry}' > ${bin}
      chmod 755 ${bin}
    '';

  # Agents ship glibc-linked binaries that expect the FHS dynamic loader.
  loader = if pkgs.stdenv.hostPlatform.isx86_64 then "lib64/ld-linux-x86-64.so.2" else "lib/ld-linux-aarch64.so.1";

  files = map (file: file // { src = pkgs.writeText (baseNameOf file.path) file.content; }) spec.files;
in
pkgs.dockerTools.buildLayeredImage {
  name = spec.name;
  tag = spec.tag;
  contents = (with pkgs; [ bashInteractive coreutils findutils gnugrep gnused gnutar gzip cacert ]) ++ map package spec.packages;
  extraCommands = ''
    mkdir -p ${rel spec.agentsDir} usr/local/bin usr/bin tmp workspace ${rel spec.home} $(dirname ${loader})
    chmod 1777 tmp ${rel spec.home}
    [ -e bin/sh ] || ln -s bash bin/sh
    [ -e usr/bin/env ] || ln -s ${pkgs.coreutils}/bin/env usr/bin/env
    ln -s ${pkgs.glibc}/lib/$(basename ${loader}) ${loader}
    ${lib.concatMapStrings (agent: ''
      mkdir -p ${rel spec.agentsDir}/${agent.name}
      tar -xzf ${agent.src} -C ${rel spec.agentsDir}/${agent.name}
      ${launcher agent}
    '') agents}
    ${lib.optionalString (node != null) ''
      mkdir -p ${rel spec.nodeDir}
      tar -xzf ${node} -C ${rel spec.nodeDir}
    ''}
    ${lib.concatMapStrings (file: ''
      install -D -m ${file.mode} ${file.src} ${rel file.path}
    '') files}
  '';
  config = {
    Cmd = [ "/bin/bash" ];
    WorkingDir = "/workspace";
    Env = [
      "HOME=${spec.home}"
      "LANG=C.UTF-8"
      "PATH=/usr/local/bin:/bin:/usr/bin"
      "SSL_CERT_FILE=${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt"
    ];
    Labels = spec.labels;
  };
}
