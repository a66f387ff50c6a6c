"""Make sure Debian's Chromium is there for the browser tests; install it when we may."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
    if os.path.exists(CHROMIUM):
        return 0
    print("Chromium is missing: install Debian's package (apt-get install chromium).", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
