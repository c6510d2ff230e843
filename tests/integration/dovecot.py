"""A real Dovecot IMAP server on a loopback port, with a throwaway config, for tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOVECOT = Path("/usr/sbin/dovecot")
USER, PASSWORD = "replies", "test-password"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={tmp}/mail/%u
}}
mail_location = maildir:{tmp}/mail/%u
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"dovecot did not listen on {port}")


@contextmanager
def running_dovecot() -> Iterator[str]:
    """Start Dovecot in a fresh folder; yield its imap:// URL (user and password included).

    The folder is made here, not under pytest's tmp_path: Dovecot's processes run as the
    dovecot user and must be able to traverse every parent directory of the mail folder.
    """
    tmp = Path(tempfile.mkdtemp(prefix="advocacy-dovecot-"))
    port = _free_port()
    for folder in ("run", "state", "mail"):
        (tmp / folder).mkdir(parents=True)
    # The login process refuses to run as root; the mail folder must belong to dovecot.
    shutil.chown(tmp / "mail", "dovecot", "dovecot")
    tmp.chmod(0o755)
    config = tmp / "dovecot.conf"
    config.write_text(CONFIG.format(tmp=tmp, port=port, password=PASSWORD))
    # No pipes: the daemon's children would hold them open and run() would wait forever.
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "timeout": 20}
    subprocess.run([str(DOVECOT), "-c", str(config)], check=True, **quiet)
    try:
        _wait_for(port)
        yield f"imap://{USER}:{PASSWORD}@127.0.0.1:{port}/INBOX"
    finally:
        subprocess.run([str(DOVECOT), "-c", str(config), "stop"], check=False, **quiet)
        shutil.rmtree(tmp, ignore_errors=True)
