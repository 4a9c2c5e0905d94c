#!/usr/bin/env python3
"""Every public header compiles alone as C99 -pedantic -Werror and as C++.

usage: check_headers.py CC CXX INCLUDE_DIR... -- HEADER...
Prints TAP.
"""
import os
import subprocess
import sys
import tempfile


def main():
    args = sys.argv[1:]
    sep = args.index("--")
    cc, cxx, incdirs, headers = args[0], args[1], args[2:sep], args[sep + 1:]
    flags = [f"-I{d}" for d in incdirs]
    checks = []
    for h in headers:

        rel = h.split("/include/", 1)[1] if "/include/" in h else os.path.basename(h)
        checks.append((rel, cc, ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-x", "c"]))
        checks.append((rel, cxx, ["-std=c++11", "-pedantic", "-Wall", "-Wextra", "-Werror", "-x", "c++"]))
    print(f"1..{len(checks)}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (rel, comp, lang) in enumerate(checks, 1):
            src = os.path.join(tmp, "t.src")
            with open(src, "w") as f:
                f.write(f'#include "{rel}"\n#include "{rel}" /* include guard */\nint cc_header_test_main(void);\nint cc_header_test_main(void) {{ return 0; }}\n')
            cmd = comp.split() + lang + flags + ["-c", src, "-o", os.path.join(tmp, "t.o")]
            r = subprocess.run(cmd, capture_output=True, text=True)
            kind = "C++" if "c++" in lang else "C99"
            if r.returncode == 0:
                print(f"ok {i} - {rel} compiles alone as {kind}")
            else:
                failed += 1
                print(f"not ok {i} - {rel} compiles alone as {kind}")
                for line in r.stderr.splitlines():
                    print(f"# {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
