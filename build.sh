#!/usr/bin/env bash
# build.sh: build, run and test Tutor on a Debian machine.
#
#   ./build.sh build   build app.wasm and bin/tutor (the app embedded)
#   ./build.sh run     build, then serve on http://127.0.0.1:8080 with ./data/tutor.db
#   ./build.sh test    build, then run every test: vet, unit, fuzz seeds, browser (headless Chromium)
#
# It installs what is missing (gcc, Chromium) with apt-get and says so.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# apt_install PKG... installs Debian packages, running apt-get update once.
apt_updated=
apt_install() {
	if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
		echo "build.sh: $* missing and not root: install them with apt-get, then rerun" >&2
		exit 1
	fi
	local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
	if [ -z "$apt_updated" ]; then
		say "apt-get update"
		$sudo apt-get update -qq
		apt_updated=1
	fi
	say "installing $* with apt-get"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

need_go() {
	if ! command -v go >/dev/null; then
		echo "build.sh: Go is not installed. Install Go 1.26 (https://go.dev/doc/install) and rerun." >&2
		exit 1
	fi
}

need_gcc() { command -v gcc >/dev/null || apt_install gcc libc6-dev; }

# The browser engine's SIMD128 kernels are C compiled by Debian's clang and
# wasm-ld; wasm-objdump (wabt) checks the result.
need_clang() {
	local missing=()
	command -v clang >/dev/null || missing+=(clang)
	command -v wasm-ld >/dev/null || missing+=(lld)
	command -v wasm-objdump >/dev/null || missing+=(wabt)
	[ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
}

# The kernels' tests run the engine's js/wasm test binaries under Node.js.
need_node() { command -v node >/dev/null || apt_install nodejs; }

# build_kernels compiles kernels/wasm/src into app/web/kernels.wasm. The
# module shares the Go program's memory, so it must keep nothing there of
# its own: no data section and no stack in linear memory (no global is
# ever read or written); the build fails if clang put either in.
build_kernels() {
	need_clang
	say "building kernels.wasm (SIMD128)"
	clang --target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -ffp-contract=off -Wall -Werror \
		-Wl,--no-entry -Wl,--import-memory -o app/web/kernels.wasm kernels/wasm/src/kernels.c
	# (Read into variables first: grep -q closing a pipe early would make
	# the pipeline fail under pipefail and the check pass.)
	local sections code
	sections=$(wasm-objdump -h app/web/kernels.wasm)
	code=$(wasm-objdump -d app/web/kernels.wasm)
	if grep -q ' Data ' <<<"$sections" || grep -Eq 'global\.(get|set)' <<<"$code"; then
		rm -f app/web/kernels.wasm
		echo "build.sh: kernels.wasm uses memory of its own (a data section or a stack); keep the kernels' state in locals" >&2
		exit 1
	fi
}

# The browser tests need Chromium, and a CJK font so that their screenshots
# show the Chinese interface as a student sees it.
need_chromium() {
	local missing=()
	[ -x /usr/lib/chromium/chromium ] || missing+=(chromium)
	[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
	[ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
}

# The packages compiled into the browser's WebAssembly.
wasm_packages="./wasm/... ./app ./app/api ./app/course ./app/learn ./kernels ./kernels/ref ./kernels/wasm ./model/engine"

# simd_experiment names the Go experiment for the SIMD kernels where the
# machine supports it (amd64), and nothing elsewhere.
simd_experiment() { [ "$(go env GOARCH)" = amd64 ] && echo simd || true; }

# The grammar-checking baseline the models are compared with runs Debian's
# hunspell and link-grammar.
need_baseline_tools() {
	local missing=()
	command -v hunspell >/dev/null || missing+=(hunspell)
	[ -e /usr/share/hunspell/en_US.dic ] || missing+=(hunspell-en-us)
	command -v link-parser >/dev/null || missing+=(link-grammar)
	[ -d /usr/share/link-grammar/en ] || missing+=(link-grammar-dictionaries-en)
	[ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
}

build() {
	need_go
	need_gcc
	say "building app.wasm"
	GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -o app/web/app.wasm ./wasm/app
	gzip -9 -kf app/web/app.wasm # served to browsers that accept gzip: 8.4 MB -> 2.2 MB
	build_kernels
	say "building infer.wasm (the inference engine's Web Worker)"
	GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -o app/web/infer.wasm ./wasm/infer
	gzip -9 -kf app/web/infer.wasm
	# The worker starts Go with the toolchain's own loader.
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" app/web/wasm_exec.js
	# The app's version is the hash of its files: browsers fetch a new app
	# exactly when something in it changed.
	local version
	version=$(cat $(find app/web -type f ! -name '*.gz' | sort) | sha256sum | cut -c1-12)
	say "building bin/tutor (app version $version)"
	mkdir -p bin
	# GOEXPERIMENT=simd compiles the AVX2/AVX-512 kernels (simd/archsimd) into
	# the server; without it the portable Go kernels are used.
	GOEXPERIMENT=$(simd_experiment) go build -trimpath -ldflags "-X main.version=$version" -o bin/tutor ./cmd/tutor
}

run() {
	build
	mkdir -p data
	exec bin/tutor serve --addr 127.0.0.1:8080 --db data/tutor.db
}

test_all() {
	build
	need_chromium
	need_baseline_tools
	say "go vet"
	go vet ./...
	# What runs in the browser must also build and vet for js/wasm.
	GOOS=js GOARCH=wasm go vet $wasm_packages
	say "go test (unit, fuzz seed corpora, API on loopback, SQLite files, headless Chromium)"
	# Screenshots of the browser tests are kept under test-output/.
	mkdir -p test-output
	go test -count=1 -artifacts -outputdir "$PWD/test-output" ./...
	say "go test of the kernels and the model with the SIMD kernels compiled in"
	GOEXPERIMENT=$(simd_experiment) go test -count=1 ./kernels/... ./model/...
	need_node
	say "go test of the browser's SIMD128 kernels (js/wasm under Node.js)"
	GOOS=js GOARCH=wasm go test -count=1 -exec "$PWD/kernels/wasm/node/go_js_wasm_exec" ./kernels/wasm
}

case "${1:-}" in
build) build ;;
run) run ;;
test) test_all ;;
*)
	echo "usage: ./build.sh build|run|test" >&2
	exit 2
	;;
esac
