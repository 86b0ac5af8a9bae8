"""A CLI run with stderr on a pseudo-terminal (rich draws its live line only there) and stdout a pipe."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
from collections.abc import Callable


def plain(screen: bytes) -> str:
    """What a terminal shows, without the escape sequences rich moves the cursor and colours with."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.decode(errors="replace"))


def run_on_a_terminal(args: list[str], env: dict[str, str],
                      on_screen: Callable[[str], None] = lambda seen: None) -> tuple[int, str, str]:
    """(exit code, the terminal's text, stdout); `on_screen` sees the text so far after each read."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=terminal, text=True)
    os.close(terminal)
    screen = b""
    while process.poll() is None or select.select([controller], [], [], 0.2)[0]:
        if select.select([controller], [], [], 0.2)[0]:
            try:
                screen += os.read(controller, 65536)
            except OSError:
                break
            on_screen(plain(screen))
    os.close(controller)
    stdout = process.stdout.read()
    process.wait(timeout=10)
    return process.returncode, plain(screen), stdout
