"""The entry point: a Ctrl-C that arrives while bcc is still importing ends quietly."""

from __future__ import annotations

import signal
import subprocess
import sys

# Sends SIGINT to itself in the middle of importing Typer, before the CLI's
# own handler exists: the moment when Python would print a traceback.
EARLY_CTRL_C = """
import builtins, os, signal, sys
real_import = builtins.__import__
def hooked(name, *args, **kwargs):
    if name == "typer":
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = hooked
sys.argv = ["bcc", "practices", "--json"]
from bali_corruption_cli.{module} import main
main()
"""


def _run(module: str) -> subprocess.CompletedProcess[str]:
    code = EARLY_CTRL_C.format(module=module)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_ctrl_c_during_imports_is_quiet() -> None:
    result = _run("entry")
    assert "Traceback" not in result.stderr
    assert result.returncode == -signal.SIGINT  # ended by the signal, as any Unix tool is
    assert result.stdout == ""


def test_without_the_entry_point_python_would_print_a_traceback() -> None:
    # the guard above is meaningful: the same interrupt through cli.main is a traceback
    result = _run("cli")
    assert "KeyboardInterrupt" in result.stderr
