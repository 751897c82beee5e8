#!/usr/bin/env bash
# Vendors the benchmark corpus: `cargo vendor --locked` of the package that pins it
# (bench/corpus), into target/bench-corpus/vendor.
#
# Idempotent: once a vendoring has finished, a stamp holding the hash of the
# Cargo.lock it came from is written; later runs with the same lock do nothing.
# A vendoring that was interrupted leaves no stamp and is redone from scratch.
#
# Environment:
#   BENCH_CORPUS_SRC  the package to vendor (default: bench/corpus)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus_src="${BENCH_CORPUS_SRC:-$repo_root/bench/corpus}"
corpus_dir="$repo_root/target/bench-corpus"
vendor_dir="$corpus_dir/vendor"
stamp="$corpus_dir/.vendored"

if [[ ! -f "$corpus_src/Cargo.toml" || ! -f "$corpus_src/Cargo.lock" ]]; then
    echo "error: corpus package not found at $corpus_src (set BENCH_CORPUS_SRC)" >&2
    exit 1
fi

lock_hash="$(sha256sum "$corpus_src/Cargo.lock" | cut -d' ' -f1)"
if [[ -d "$vendor_dir" && -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" ]]; then
    echo "corpus already vendored in ${vendor_dir#"$repo_root"/}" >&2
    exit 0
fi

echo "vendoring the corpus into ${vendor_dir#"$repo_root"/} (needs crates.io; a few minutes)" >&2
rm -rf "$corpus_dir"
mkdir -p "$corpus_dir"
# cargo vendor writes next to the manifest; the pin in bench/corpus stays untouched.
cp -R "$corpus_src/." "$corpus_dir/"
chmod -R u+w "$corpus_dir"
# The copy lives under this repository's workspace root; an empty [workspace]
# table makes it a workspace of its own, or cargo would refuse it as a stray member.
if ! grep -q '^\[workspace\]' "$corpus_dir/Cargo.toml"; then
    printf '\n[workspace]\n' >>"$corpus_dir/Cargo.toml"
fi

(cd "$corpus_dir" && cargo vendor --locked --quiet vendor >/dev/null)
echo "$lock_hash" >"$stamp"
echo "corpus vendored: $(find "$vendor_dir" -mindepth 1 -maxdepth 1 -type d | wc -l) crates" >&2
