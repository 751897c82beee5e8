#!/usr/bin/env python3
"""Latency of the language server: from `textDocument/didChange` to the
`textDocument/publishDiagnostics` of that version, over scripted edits in a handler file.

Usage:
    cargo build --release -p cargo-failfirst
    RUSTUP_TOOLCHAIN=stable python3 bench/lsp_latency.py SERVICE_ROOT [--edits 300] [--pause MS]

The server (target/release/cargo-failfirst) is started on SERVICE_ROOT, analyses the whole
workspace once, then a handler file is opened and edited: each edit adds or removes a
statement inside the body of the file's first handler (typing in a handler), one after the
other, waiting for each publication. It prints p50/p95/p99, the first analysis's time, the
server's CPU time per edit (every thread counted: the figure the machine's load does not
change), its resident memory (now and at its peak) and the load of the machine before and
after, as bench/README.md records them. `--pause MS` waits that long after each
publication, as a typist does between keystrokes: the server settles the rest of the
workspace in the pauses, and an edit may then wait for the handler being settled. A script,
not a timed test: the figures depend on the machine and what else runs on it.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import queue
from pathlib import Path


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def reader(stream, inbox):
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                inbox.put(None)
                return
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        inbox.put((time.perf_counter(), json.loads(stream.read(length))))


class Server:
    def __init__(self, binary, root):
        self.process = subprocess.Popen(
            [binary, "lsp"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.inbox = queue.Queue()
        threading.Thread(
            target=reader, args=(self.process.stdout, self.inbox), daemon=True
        ).start()
        self.next_id = 0

    def send(self, message):
        message["jsonrpc"] = "2.0"
        self.process.stdin.write(frame(message))
        self.process.stdin.flush()

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def wait(self, wanted, timeout=600):
        deadline = time.perf_counter() + timeout
        while True:
            item = self.inbox.get(timeout=max(0.0, deadline - time.perf_counter()))
            if item is None:
                sys.exit("the server stopped")
            at, message = item
            if "method" in message and "id" in message:
                # A request of the server's (progress token, refresh): answered at once.
                self.send({"id": message["id"], "result": None})
                continue
            if wanted(message):
                return at, message

    def cpu_seconds(self):
        """The server's CPU time so far, every thread counted (user and system)."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_kib(self):
        fields = {}
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                fields[name] = value.strip()
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def first_handler(root, binary):
    """The first handler of the report and its file, from a run of the command line."""
    report = json.loads(
        subprocess.run(
            [binary, "failfirst", "--workspace", "--format", "json"],
            cwd=root,
            capture_output=True,
            check=False,
        ).stdout
    )
    # The file with the most handlers: where a team edits handlers.
    counts = {}
    for handler in report["handlers"]:
        counts[handler["file"]] = counts.get(handler["file"], 0) + 1
    file = max(sorted(counts), key=lambda name: counts[name])
    handler = next(h for h in report["handlers"] if h["file"] == file)
    return root / file, handler, len(report["handlers"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="milliseconds to wait after each publication before the next edit (a typist's "
        "pace: the server settles the rest of the workspace in the pauses)",
    )
    parser.add_argument(
        "--binary",
        default=str(Path(__file__).resolve().parent.parent / "target/release/cargo-failfirst"),
    )
    args = parser.parse_args()
    root = args.root.resolve()
    path, handler, handler_count = first_handler(root, args.binary)
    text = path.read_text()
    lines = text.split("\n")
    # The line after the handler's opening brace: inside its body.
    body = next(
        number + 1
        for number in range(handler["line"] - 1, len(lines))
        if lines[number].rstrip().endswith("{")
    )
    indent = " " * (len(lines[body]) - len(lines[body].lstrip()) or 4)

    load_before = os.getloadavg()
    server = Server(args.binary, root)
    uri = path.as_uri()
    started = time.perf_counter()
    server.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "capabilities": {"window": {"workDoneProgress": True}},
        },
    )
    server.notify("initialized", {})
    server.wait(
        lambda m: m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end"
    )
    first_analysis = time.perf_counter() - started
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "rust", "version": 0, "text": text}},
    )
    server.wait(
        lambda m: m.get("method") == "textDocument/publishDiagnostics"
        and m["params"]["uri"] == uri
        and m["params"].get("version") == 0
    )

    latencies = []
    cpu_before = server.cpu_seconds()
    for version in range(1, args.edits + 1):
        if args.pause:
            time.sleep(args.pause / 1000)
        edited = list(lines)
        if version % 2 == 1:
            edited.insert(body, f"{indent}let _failfirst_bench = {version};")
        sent = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": "\n".join(edited)}],
            },
        )
        at, _ = server.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version
        )
        latencies.append((at - sent) * 1000)
    cpu_per_edit = (server.cpu_seconds() - cpu_before) * 1000 / args.edits
    rss, peak = server.memory_kib()
    server.request("shutdown", None)
    server.notify("exit", None)
    server.process.wait(timeout=60)
    load_after = os.getloadavg()

    print(f"service: {root} ({handler_count} handlers)")
    print(f"edited: {path.relative_to(root)} in {handler['path']} (line {body + 1})")
    if args.pause:
        print(f"pause after each publication: {args.pause:.0f} ms")
    print(f"first analysis: {first_analysis:.2f} s")
    print(
        f"didChange -> publishDiagnostics over {len(latencies)} edits: "
        f"p50 {percentile(latencies, 0.50):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
    )
    print(
        f"server CPU time per edit: {cpu_per_edit:.1f} ms (all threads; what the load does "
        "not change)"
    )
    print(f"resident memory after the edits: {rss / 1024:.0f} MiB (peak {peak / 1024:.0f} MiB)")
    print(
        "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f} on {} cores".format(
            *load_before, *load_after, os.cpu_count()
        )
    )


if __name__ == "__main__":
    main()
