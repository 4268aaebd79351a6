#!/usr/bin/env python3
"""Installs the SARIF Multitool from npm into a directory (once) and prints
the path of its executable. Used as a CTest fixture by the SARIF test."""
import os
import stat
import subprocess
import sys

prefix = sys.argv[1]
tool = os.path.join(prefix, "node_modules", "@microsoft", "sarif-multitool-linux",
                    "Sarif.Multitool")
if not os.path.exists(tool):
    os.makedirs(prefix, exist_ok=True)
    run = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", prefix,
                          "@microsoft/sarif-multitool-linux@5"],
                         capture_output=True, text=True, timeout=900)
    if run.returncode != 0 or not os.path.exists(tool):
        print(run.stdout, run.stderr)
        print("FAIL: cannot install @microsoft/sarif-multitool-linux with npm")
        sys.exit(1)
# npm may skip the package's postinstall (chmod u+x).
os.chmod(tool, os.stat(tool).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
print(tool)
