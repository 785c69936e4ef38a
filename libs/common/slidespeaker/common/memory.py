"""Memory this machine has free now: what the kernel says is available, within the
container's cgroup limit when one is set. The composer plans its encode by it, the command
how many voice processes to start."""

from __future__ import annotations

from pathlib import Path

import psutil

CGROUP_LIMIT = Path("/sys/fs/cgroup/memory.max")
CGROUP_USED = Path("/sys/fs/cgroup/memory.current")


def free_mb() -> float:
    free = psutil.virtual_memory().available / 2**20
    return min(free, _cgroup_free_mb() or free)


def _cgroup_free_mb() -> float | None:
    try:
        limit = CGROUP_LIMIT.read_text().strip()
        used = int(CGROUP_USED.read_text().strip())
    except (OSError, ValueError):
        return None
    if limit == "max":
        return None
    return (int(limit) - used) / 2**20
