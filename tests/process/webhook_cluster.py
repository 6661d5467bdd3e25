"""nginx in front of N `ppo-bot run` webhook processes on PostgreSQL and Redis, for the load
test and the benchmark. nginx uses deploy/nginx/ppo-bot-webhook.conf as it is shipped."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from botapi_emulator.server import BotApiEmulator

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_CONF = ROOT / "deploy" / "nginx" / "ppo-bot-webhook.conf"
SECRET = "load-test-secret_1"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """The processes, their logs, nginx; `stop` ends them all."""

    workdir: Path
    nginx_port: int
    ports: list[int]
    processes: list[asyncio.subprocess.Process] = field(default_factory=list)
    nginx: asyncio.subprocess.Process | None = None

    def log(self, index: int) -> Path:
        return self.workdir / f"bot{index}.log"

    def logs(self) -> str:
        return "".join(
            self.log(i).read_text(encoding="utf-8", errors="replace")
            for i in range(len(self.ports))
        )

    async def stop(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                async with asyncio.timeout(30):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()
        if self.nginx is not None and self.nginx.returncode is None:
            self.nginx.send_signal(signal.SIGQUIT)
            await self.nginx.wait()


def nginx_available() -> bool:
    return Path(NGINX).exists()


def _nginx_conf(workdir: Path, port: int, upstreams: list[int]) -> Path:
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in upstreams
    )
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    upstream ppo_bot {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {WEBHOOK_CONF};
    }}
}}
""",
        encoding="utf-8",
    )
    return conf


async def start_cluster(
    emulator: BotApiEmulator,
    *,
    database_url: str,
    redis_url: str,
    processes: int,
    extra_config: str = "",
) -> Cluster:
    """Migrate once, start nginx and `processes` bots; return when every one is serving."""
    workdir = Path(tempfile.mkdtemp(prefix="ppo-cluster-"))
    cluster = Cluster(workdir, free_port(), [free_port() for _ in range(processes)])
    config = workdir / "config.toml"
    config.write_text(
        f'[telegram]\nmode = "webhook"\napi_base = "{emulator.api_base}"\n'
        "[webhook]\nmax_connections = 40\nin_hand_seconds = 5\n"
        "[database]\npool_size = 3\n"
        '[logging]\nlevel = "INFO"\n' + extra_config,
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PPO_BOT_CONFIG": str(config),
        "BOT_TOKEN": emulator.token,
        "PPO_BOT_DATABASE_URL": database_url,
        "PPO_BOT_REDIS_URL": redis_url,
        "PPO_BOT_WEBHOOK_URL": f"http://127.0.0.1:{cluster.nginx_port}/tg/webhook",
        "PPO_BOT_WEBHOOK_SECRET": SECRET,
    }
    migrate = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "migrate", env=env, cwd=workdir
    )
    assert await migrate.wait() == 0
    cluster.nginx = await asyncio.create_subprocess_exec(
        NGINX,
        "-p",
        str(workdir),
        "-c",
        str(_nginx_conf(workdir, cluster.nginx_port, cluster.ports)),
        stderr=asyncio.subprocess.DEVNULL,
    )
    for index, port in enumerate(cluster.ports):
        with cluster.log(index).open("ab") as log:
            cluster.processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    "run",
                    env={**env, "PPO_BOT_HTTP_LISTEN": f"127.0.0.1:{port}"},
                    cwd=workdir,
                    stderr=log,
                )
            )
    try:
        async with asyncio.timeout(180):
            for index in range(processes):
                while "serving the webhook" not in cluster.log(index).read_text(
                    encoding="utf-8", errors="replace"
                ):
                    assert cluster.processes[index].returncode is None, cluster.logs()
                    await asyncio.sleep(0.2)
            async with aiohttp.ClientSession() as http:
                for port in cluster.ports:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        assert response.status == 200, await response.text()
    except BaseException:
        await cluster.stop()
        raise
    return cluster
