"""Start a throwaway PostgreSQL server on 127.0.0.1 and stop it again.

The server lives in a temporary folder (data directory, log and socket) that is removed when
the server stops. PostgreSQL does not run as root, so a root caller runs the server as an
unprivileged operating-system user (``postgres`` by default, created when missing).
"""

from __future__ import annotations

import glob
import logging
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

logger = logging.getLogger(__name__)

LOOPBACK_HOST = "127.0.0.1"
DEFAULT_PORT = 55432
DEFAULT_OS_USER = "postgres"
SUPERUSER = "infusion"
DATABASE = "infusion_integrity"
START_TIMEOUT_SECONDS = 120

# Settings for the benchmark machine of the project targets (2 cores, 24 GB of memory) with
# PostgreSQL as the only big process while it runs. The cluster is thrown away, so it trades
# durability for speed: synchronous_commit is off, and wal_level minimal lets CREATE TABLE AS
# skip the WAL. Pass other settings to PostgresServer for another machine.
DEFAULT_SETTINGS: dict[str, str] = {
    "shared_buffers": "4GB",
    "effective_cache_size": "16GB",
    "work_mem": "256MB",
    "maintenance_work_mem": "1GB",
    "temp_buffers": "64MB",
    "max_parallel_workers_per_gather": "2",
    "max_worker_processes": "4",
    "max_parallel_workers": "2",
    "random_page_cost": "1.1",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "8GB",
    "synchronous_commit": "off",
    "checkpoint_timeout": "30min",
    "jit": "off",
}


@dataclass(frozen=True)
class ConnectionInfo:
    """Connection settings of the running server."""

    host: str
    port: int
    user: str
    password: str
    dbname: str

    def environment(self) -> dict[str, str]:
        """Return the variables that the ``postgres`` target of profiles/profiles.yml reads."""
        return {
            "INFUSION_INTEGRITY_PG_HOST": self.host,
            "INFUSION_INTEGRITY_PG_PORT": str(self.port),
            "INFUSION_INTEGRITY_PG_USER": self.user,
            "INFUSION_INTEGRITY_PG_PASSWORD": self.password,
            "INFUSION_INTEGRITY_PG_DBNAME": self.dbname,
        }


def find_postgres_binary(name: str) -> Path:
    """Return the path of a PostgreSQL server program, from PATH or Debian's folders."""
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[4]) if Path(path).parts[4].isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1])
    raise FileNotFoundError(
        f"PostgreSQL program {name!r} not found on PATH or in /usr/lib/postgresql/*/bin. "
        "Install the server, e.g. apt-get install -y postgresql."
    )


def ensure_port_free(port: int) -> None:
    """Raise OSError when something already listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((LOOPBACK_HOST, port))
        except OSError as error:
            raise OSError(
                f"port {port} on {LOOPBACK_HOST} is in use ({error}); pass another --port"
            ) from error


def ensure_os_user(name: str) -> pwd.struct_passwd:
    """Return the operating-system user ``name``, creating it as a system user if missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        logger.info("creating system user %s to run PostgreSQL", name)
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
        )
        return pwd.getpwnam(name)


class PostgresServer:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only.

    Use it as a context manager: entering runs initdb and starts the server, leaving stops
    it and removes the folder, also when the body raised.
    """

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        settings: dict[str, str] | None = None,
        os_user: str = DEFAULT_OS_USER,
    ) -> None:
        self.port = port
        self.settings = dict(DEFAULT_SETTINGS if settings is None else settings)
        self.os_user = os_user
        self.password = secrets.token_urlsafe(24)
        self.root: Path | None = None
        self.started = False

    @property
    def data_dir(self) -> Path:
        assert self.root is not None, "the server has not been set up"
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        assert self.root is not None, "the server has not been set up"
        return self.root / "server.log"

    @property
    def connection(self) -> ConnectionInfo:
        return ConnectionInfo(LOOPBACK_HOST, self.port, SUPERUSER, self.password, DATABASE)

    def __enter__(self) -> PostgresServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Create the cluster, start the server and create the project database."""
        ensure_port_free(self.port)
        self.root = Path(tempfile.mkdtemp(prefix="infusion_pg_"))
        run_as = self._prepare_root()
        password_file = self.root / "password"
        password_file.write_text(self.password + "\n", encoding="utf-8")
        self._chown(password_file)

        self._run(run_as, [
            str(find_postgres_binary("initdb")),
            "--pgdata", str(self.data_dir),
            "--username", SUPERUSER,
            "--pwfile", str(password_file),
            "--auth", "scram-sha-256",
            "--encoding", "UTF8",
            # Byte-order text comparison, as in DuckDB, so sorting and code ranges agree.
            "--locale", "C",
        ])
        password_file.unlink()
        self._write_settings()

        logger.info("starting PostgreSQL on %s:%d in %s", LOOPBACK_HOST, self.port, self.root)
        self._run(run_as, [
            str(find_postgres_binary("pg_ctl")),
            "--pgdata", str(self.data_dir),
            "--log", str(self.log_path),
            "--wait",
            "--timeout", str(START_TIMEOUT_SECONDS),
            "start",
        ])
        self.started = True
        self._create_database()

    def stop(self) -> None:
        """Stop the server if it runs and remove its folder."""
        if self.root is None:
            return
        if self.started:
            logger.info("stopping PostgreSQL on %s:%d", LOOPBACK_HOST, self.port)
            result = subprocess.run(
                self._run_as_prefix() + [
                    str(find_postgres_binary("pg_ctl")),
                    "--pgdata", str(self.data_dir),
                    "--mode", "fast",
                    "--wait",
                    "stop",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                logger.error(
                    "pg_ctl stop failed (exit %d): %s; the server in %s may still run",
                    result.returncode, result.stderr.strip(), self.data_dir,
                )
                return
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def postmaster_pid(self) -> int:
        """Return the process id of the running server, the first line of postmaster.pid."""
        return int((self.data_dir / "postmaster.pid").read_text().split("\n")[0])

    def server_settings(self) -> dict[str, str]:
        """Return the values the running server reports for the settings it was given."""
        import psycopg2

        info = self.connection
        with psycopg2.connect(
            host=info.host, port=info.port, user=info.user, password=info.password,
            dbname=info.dbname,
        ) as connection, connection.cursor() as cursor:
            cursor.execute(
                "select name, current_setting(name) from pg_settings where name = any(%s)"
                " order by name",
                (sorted(self.settings),),
            )
            reported = dict(cursor.fetchall())
            cursor.execute("select version()")
            reported["version"] = cursor.fetchone()[0]
        return reported

    def _prepare_root(self) -> list[str]:
        """Hand the temporary folder to the user that runs the server; return the prefix."""
        assert self.root is not None
        if os.geteuid() != 0:
            return []
        account = ensure_os_user(self.os_user)
        os.chown(self.root, account.pw_uid, account.pw_gid)
        os.chmod(self.root, 0o700)
        return self._run_as_prefix()

    def _run_as_prefix(self) -> list[str]:
        return ["runuser", "-u", self.os_user, "--"] if os.geteuid() == 0 else []

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            account = pwd.getpwnam(self.os_user)
            os.chown(path, account.pw_uid, account.pw_gid)

    def _write_settings(self) -> None:
        assert self.root is not None
        lines = [
            "",
            "# Written by infusion_integrity.postgres_server.",
            f"listen_addresses = '{LOOPBACK_HOST}'",
            f"port = {self.port}",
            f"unix_socket_directories = '{self.root}'",
        ]
        lines += [f"{name} = '{value}'" for name, value in sorted(self.settings.items())]
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n".join(lines) + "\n")

    def _create_database(self) -> None:
        import psycopg2

        info = self.connection
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                connection = psycopg2.connect(
                    host=info.host, port=info.port, user=info.user, password=info.password,
                    dbname="postgres",
                )
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"create database {DATABASE}")
        finally:
            connection.close()

    def _run(self, prefix: list[str], command: list[str]) -> None:
        result = subprocess.run(prefix + command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log_tail = ""
            if self.root is not None and self.log_path.exists():
                log_tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(
                f"{Path(command[0]).name} failed (exit {result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}\n{log_tail}"
            )
