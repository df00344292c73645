import { describe, expect, it } from 'vitest'
import { BASE_INCLUDE, debootstrapArgv, importArgv } from '../../../src/image/base.js'
import { nixBuildArgv } from '../../../src/image/nix-build.js'
import { imageBuildArgv, type BuildRequest } from '../../../src/image/build-argv.js'
import { parseBuildStep } from '../../../src/image/podman-build.js'

const request: BuildRequest = {
  tag: 'localhost/wrapix-base:0123456789ab',
  containerfile: '/cache/build dir/Containerfile',
  context: '/cache/build dir',
  labels: { 'wrapix.managed': 'true', 'wrapix.profile': 'base' },
}
const valuesOf = (argv: readonly string[], flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []))

describe("imageBuildArgv('podman')", () => {
  it('builds the tag from the Containerfile in the context, with the wrapix labels', () => {
    expect(imageBuildArgv('podman', request)).toMatchInlineSnapshot(`
      [
        "build",
        "--tag",
        "localhost/wrapix-base:0123456789ab",
        "--file",
        "/cache/build dir/Containerfile",
        "--label",
        "wrapix.managed=true",
        "--label",
        "wrapix.profile=base",
        "--layers",
        "/cache/build dir",
      ]
    `)
  })

  it('adds --no-cache only when asked', () => {
    expect(imageBuildArgv('podman', request)).not.toContain('--no-cache')
    expect(imageBuildArgv('podman', { ...request, noCache: true })).toContain('--no-cache')
  })
})

// apple/container 1.2.2, Sources/ContainerCommands/BuildCommand.swift: --tag/-t, --file/-f, --label/-l, --no-cache,
// --progress (auto|plain|tty), and the build directory as the one argument.
describe("imageBuildArgv('apple')", () => {
  it('passes tag, file, labels and context to `container build` with plain progress (BuildCommand.swift 1.2.2)', () => {
    const argv = imageBuildArgv('apple', { ...request, noCache: true })
    expect(argv[0]).toBe('build')
    expect(valuesOf(argv, '--tag')).toEqual([request.tag])
    expect(valuesOf(argv, '--file')).toEqual([request.containerfile])
    expect(valuesOf(argv, '--label')).toEqual(['wrapix.managed=true', 'wrapix.profile=base'])
    expect(valuesOf(argv, '--progress')).toEqual(['plain'])
    expect(argv).toContain('--no-cache')
    expect(argv.at(-1)).toBe(request.context)
    expect(argv).not.toContain('--layers') // podman's flag; BuildCommand.swift has none
  })
})

describe('parseBuildStep', () => {
  it.each([
    ['STEP 3/11: RUN apt-get update', { step: 3, total: 11, text: 'RUN apt-get update' }],
    ['[2/2] STEP 1/4: FROM debian', { step: 1, total: 4, text: 'FROM debian' }],
    ['Get:1 http://deb.debian.org/debian bookworm InRelease', null],
    ['--> 4868ec31b266', null],
  ])('%s', (line, expected) => {
    expect(parseBuildStep(line)).toEqual(expected)
  })
})

describe('base image and Nix builder argv', () => {
  it('debootstraps a minimal bookworm with the same packages as the test setup', () => {
    expect(debootstrapArgv('/tmp/root', 'http://deb.debian.org/debian')).toEqual([
      '--variant=minbase',
      `--include=${BASE_INCLUDE.join(',')}`,
      'bookworm',
      '/tmp/root',
      'http://deb.debian.org/debian',
    ])
    expect(BASE_INCLUDE).toEqual(['ca-certificates', 'curl', 'git', 'openssh-client', 'iproute2', 'procps', 'python3-minimal'])
  })

  it('imports the rootfs from stdin as localhost/wrapix-base:bookworm with bash as the command', () => {
    const argv = importArgv('localhost/wrapix-base:bookworm')
    expect(valuesOf(argv, '--change')).toContain('CMD ["/bin/bash"]')
    expect(argv.slice(-2)).toEqual(['-', 'localhost/wrapix-base:bookworm'])
  })

  it('runs nix/build-image.nix with the spec file as a string argument', () => {
    expect(nixBuildArgv('/opt/wrapix/nix', '/cache/spec.json')).toEqual([
      '/opt/wrapix/nix/build-image.nix', '--argstr', 'specFile', '/cache/spec.json', '--no-out-link',
    ])
  })
})
