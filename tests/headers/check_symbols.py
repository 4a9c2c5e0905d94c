#!/usr/bin/env python3
"""libcallcore.so exports nothing but the public cc_* API (no cc__ internals).

usage: check_symbols.py NM LIBRARY   (prints TAP)
"""
import subprocess
import sys


def main():
    nm, lib = sys.argv[1], sys.argv[2]
    out = subprocess.run([nm, "-D", "--defined-only", lib], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3 or parts[1] == "A":  # 'A': version node names
            continue
        syms.append(parts[2].split("@")[0])
    bad = [s for s in syms if not s.startswith("cc_") or s.startswith("cc__")]
    print("1..3")
    print(("ok" if syms else "not ok") + f" 1 - exports {len(syms)} symbols")
    print(("ok" if not bad else "not ok") + " 2 - every exported symbol is public cc_*")
    for s in bad[:20]:
        print(f"# leaked: {s}")
    print(("ok" if "cc_version" in syms and "cc_strerror" in syms else "not ok") +
          " 3 - cc_version and cc_strerror are exported")
    return 1 if bad or not syms else 0


if __name__ == "__main__":
    sys.exit(main())
