#!/usr/bin/env python3
"""How time and peak memory grow with the size of hostile input (bench/README.md, "Scaling").

Generates each case at several sizes in a temporary folder, runs the release binary on it
once per size under GNU time, and prints a Markdown table: input size, wall time, peak
resident memory, and the growth of each against the smallest size. Linear growth shows as
a time ratio near the size ratio (less, while start-up dominates); quadratic as its square.

Usage: bench/scaling.py [--binary PATH] [--case NAME]... [--sizes-from N] [--runs N]
  --binary     the failfirst binary (default: target/release/cargo-failfirst; build it with
               `cargo build --release -p cargo-failfirst`)
  --case       only these cases (default: all; see CASES below)
  --runs       timed runs per size; the fastest is kept (default: 1)
Exits 0 whatever the figures are, 1 when a run crashed (any exit code but 0 or 1).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

MANIFEST = '[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n'

# The neighbour every case keeps: its handler must be reported whatever the case does.
GOOD = (
    "use axum::{routing::post, Router};\n"
    "pub fn app() -> Router { Router::new().route(\"/orders\", post(create)) }\n"
    "pub async fn create() -> &'static str { \"ok\" }\n"
)


def crate(root, name, files, config=None):
    """A crate at `root` with `src/lib.rs` declaring the good module and `files`."""
    os.makedirs(os.path.join(root, "src"), exist_ok=True)
    with open(os.path.join(root, "Cargo.toml"), "w") as out:
        out.write(MANIFEST.format(name=name))
    if config is not None:
        with open(os.path.join(root, "failfirst.toml"), "w") as out:
            out.write(config)
    modules = ["good"] + [module for module, _ in files]
    with open(os.path.join(root, "src", "lib.rs"), "w") as out:
        out.write("".join(f"pub mod {module};\n" for module in modules))
    with open(os.path.join(root, "src", "good.rs"), "w") as out:
        out.write(GOOD)
    for module, text in files:
        with open(os.path.join(root, "src", f"{module}.rs"), "w") as out:
            out.write(text)


def method_chain(root, n):
    """One expression: `a.clone().clone()…`, n calls long (the limit is 30,000: the largest size stays under it)."""
    crate(root, "chain", [("generated", "pub fn f() { let _ = a%s; }\n" % (".clone()" * n))])


def route_chain(root, n):
    """One axum router of n `.route(..)` calls, each to its own handler."""
    routes = "".join(f'.route("/r{i}", get(h{i}))' for i in range(n))
    handlers = "".join(f"pub async fn h{i}() -> &'static str {{ \"ok\" }}\n" for i in range(n))
    text = (
        "use axum::{routing::get, Router};\n"
        f"pub fn routes() -> Router {{ Router::new(){routes} }}\n{handlers}"
    )
    crate(root, "routes", [("generated", text)], config="max-file-size = 67108864\n")


def deep_nesting(root, n):
    """n functions, each one expression nested 240 deep (the limit is 256) in mixed
    constructs: parentheses, unary operators, closures, references, blocks."""
    shapes = ["({})", "-{}", "!{}", "|| {}", "&{}", "{{ {} }}", "f({})", "[{}]"]
    functions = []
    for i in range(n):
        expression = "x"
        for level in range(240):
            expression = shapes[(level + i) % len(shapes)].format(expression)
        functions.append(f"pub fn f{i}() {{ let _ = {expression}; }}\n")
    crate(root, "deep", [("generated", "".join(functions))], config="max-file-size = 67108864\n")


def big_file(root, n):
    """One file of n handler-like functions: an HTTP call with a timeout, a SQL write in a
    transaction, a retry loop; all reachable from a router."""
    routes = "".join(f'.route("/r{i}", post(h{i}))' for i in range(0, n, 10))
    parts = [
        "use axum::{routing::post, Router};\n",
        f"pub fn routes() -> Router {{ Router::new(){routes} }}\n",
    ]
    for i in range(n):
        callee = f"h{i + 1}(pool, client).await?;" if (i + 1) % 10 else ""
        parts.append(
            f"pub async fn h{i}(pool: &sqlx::PgPool, client: &reqwest::Client) -> Result<(), sqlx::Error> {{\n"
            f"    let mut tx = pool.begin().await?;\n"
            f"    sqlx::query(\"UPDATE accounts SET n = n + 1 WHERE id = $1\").bind({i}).execute(&mut *tx).await?;\n"
            f"    tx.commit().await?;\n"
            f"    for attempt in 0..3 {{\n"
            f"        let sent = client.post(\"http://ledger/{i}\").timeout(std::time::Duration::from_secs(2)).send().await;\n"
            f"        if sent.is_ok() {{ break; }}\n"
            f"        tokio::time::sleep(std::time::Duration::from_millis(100 << attempt)).await;\n"
            f"    }}\n"
            f"    {callee}\n"
            f"    Ok(())\n"
            f"}}\n"
        )
    crate(root, "big", [("generated", "".join(parts))], config="max-file-size = 268435456\n")


def wide_workspace(root, n):
    """A workspace of n crates, each with a router, a handler and a helper it calls in
    another module."""
    members = ", ".join(f'"c{i}"' for i in range(n))
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "Cargo.toml"), "w") as out:
        out.write(f"[workspace]\nmembers = [{members}]\nresolver = \"2\"\n")
    for i in range(n):
        handler = (
            "use axum::{routing::post, Router};\n"
            f"pub fn app() -> Router {{ Router::new().route(\"/c{i}\", post(create)) }}\n"
            "pub async fn create(client: reqwest::Client) -> &'static str {\n"
            "    crate::helper::charge(&client).await;\n    \"ok\"\n}\n"
        )
        helper = (
            "pub async fn charge(client: &reqwest::Client) {\n"
            "    let _ = client.post(\"http://payments/charge\").send().await;\n}\n"
        )
        crate(os.path.join(root, f"c{i}"), f"c{i}", [("handler", handler), ("helper", helper)])


def exclude_globs(root, n):
    """A configuration excluding n globs, over a crate of 100 files."""
    globs = ", ".join(f'"generated/g{i}/**"' for i in range(n))
    files = [(f"m{i}", f"pub fn f{i}() {{}}\n") for i in range(100)]
    crate(root, "excludes", files, config=f"exclude = [{globs}]\n")


# name -> (generator, sizes, what the size counts)
CASES = {
    "method-chain": (method_chain, [3_600, 7_200, 14_400, 28_800], "calls in one chain"),
    "route-chain": (route_chain, [2_500, 5_000, 10_000, 20_000], "routes in one router"),
    "deep-nesting": (deep_nesting, [50, 100, 200, 400], "expressions 240 deep"),
    "big-file": (big_file, [1_000, 2_000, 4_000, 8_000], "functions in one file"),
    "wide-workspace": (wide_workspace, [50, 100, 200, 400], "crates"),
    "exclude-globs": (exclude_globs, [1_250, 2_500, 5_000, 10_000], "globs in `exclude`"),
}


def folder_bytes(root):
    return sum(
        os.path.getsize(os.path.join(folder, name))
        for folder, _, names in os.walk(root)
        for name in names
    )


def measure(binary, root):
    """(seconds, peak MiB, exit code, whether the good handler was reported)."""
    report = os.path.join(root, "report.json")
    started = time.monotonic()
    run = subprocess.run(
        ["/usr/bin/time", "-v", binary, "failfirst", ".", "--format", "json", "--output", report],
        cwd=root,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    peak_mib = int(peak.group(1)) / 1024 if peak else float("nan")
    try:
        with open(report) as text:
            written = text.read()
        good_reported = '"POST /orders"' in written or '"POST /c0"' in written
    except OSError:
        good_reported = False
    os.remove(report) if os.path.exists(report) else None
    return seconds, peak_mib, run.returncode, good_reported, run.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default="target/release/cargo-failfirst")
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    parser.add_argument("--runs", type=int, default=1)
    arguments = parser.parse_args()
    binary = os.path.abspath(arguments.binary)
    if not os.access(binary, os.X_OK):
        print(f"error: no binary at {binary} (cargo build --release -p cargo-failfirst)", file=sys.stderr)
        return 1
    if not os.access("/usr/bin/time", os.X_OK):
        print("error: needs GNU time (apt-get install time)", file=sys.stderr)
        return 1
    crashed = False
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| case | size | input | time | peak memory | size × | time × | memory × | good handler |")
    print("|------|-----:|------:|-----:|------------:|-------:|-------:|---------:|:------------:|")
    for name in arguments.case or CASES:
        generate, sizes, unit = CASES[name]
        first = None
        for size in sizes:
            root = tempfile.mkdtemp(prefix=f"failfirst-scaling-{name}-")
            try:
                generate(root, size)
                input_bytes = folder_bytes(root)
                best = None
                for _ in range(max(1, arguments.runs)):
                    outcome = measure(binary, root)
                    if best is None or outcome[0] < best[0]:
                        best = outcome
            finally:
                shutil.rmtree(root, ignore_errors=True)
            seconds, peak_mib, code, good, stderr = best
            if code not in (0, 1):
                crashed = True
                print(f"{name} at {size}: exit code {code}\n{stderr[-2000:]}", file=sys.stderr)
            if first is None:
                first = (size, seconds, peak_mib)
            print(
                f"| {name} | {size:,} {unit} | {input_bytes / 1e6:.1f} MB | {seconds:.2f} s "
                f"| {peak_mib:.0f} MiB | {size / first[0]:.0f} | {seconds / first[1]:.1f} "
                f"| {peak_mib / first[2]:.1f} | {'yes' if good else 'NO'} |",
                flush=True,
            )
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
