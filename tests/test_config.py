"""Settings: defaults, environment overrides, and one clear line for every bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_example_config_is_valid_and_documents_every_key() -> None:
    example = Path(__file__).parent.parent / "config.example.toml"
    settings = load_settings(example, environ={})
    assert settings.org.timezone == "Asia/Almaty"
    assert settings.delivery.rate_per_second == 30
    text = example.read_text(encoding="utf-8")
    for key in (
        "token",
        "api_base",
        "url",
        "default_language",
        "timezone",
        "admins",
        "rate_per_second",
    ):
        assert f"{key} =" in text or f"# {key} =" in text


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(None, environ={"PPO_BOT_CONFIG": str(_write(tmp_path, ""))})
    assert settings.database.url == "sqlite+aiosqlite:///data/ppo-bot.db"
    assert settings.telegram.api_base == "https://api.telegram.org"
    assert settings.telegram.token is None


def test_bot_token_comes_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, ""), environ={"BOT_TOKEN": "1:abc"})
    assert settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == "1:abc"
    assert "1:abc" not in repr(settings)


def test_every_secret_and_url_comes_from_the_environment(tmp_path: Path) -> None:
    body = '[telegram]\nmode = "webhook"\n[webhook]\nmax_connections = 80\n'
    environ = {
        "BOT_TOKEN": "1:abc",
        "PPO_BOT_DATABASE_URL": "postgresql+asyncpg://bot@db/ppo",
        "PPO_BOT_REDIS_URL": "redis://cache:6379/0",
        "PPO_BOT_WEBHOOK_URL": "https://bot.example.org/tg/hook",
        "PPO_BOT_WEBHOOK_SECRET": "Abc-123_x",
        "PPO_BOT_HTTP_LISTEN": "127.0.0.1:8082",
        "PPO_BOT_ACCOUNT_HASH_KEY": "k" * 40,
    }
    settings = load_settings(_write(tmp_path, body), environ=environ)
    assert settings.database.url == "postgresql+asyncpg://bot@db/ppo"
    assert settings.redis.url == "redis://cache:6379/0"
    assert settings.webhook.url == "https://bot.example.org/tg/hook"
    assert settings.webhook.path == "/tg/hook"
    assert settings.webhook.max_connections == 80
    assert settings.webhook.secret_token is not None
    assert settings.webhook.secret_token.get_secret_value() == "Abc-123_x"
    assert "Abc-123_x" not in repr(settings)
    assert settings.http.address == ("127.0.0.1", 8082)
    assert settings.identity.account_hash_key is not None
    assert settings.identity.account_hash_key.get_secret_value() == "k" * 40
    assert "k" * 40 in settings.secrets()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[org]\ntimezone = "Mars/Olympus"', "org.timezone: unknown time zone 'Mars/Olympus'"),
        ('[org]\ndefault_language = "de"', "org.default_language:"),
        ("[delivery]\nrate_per_second = 0", "delivery.rate_per_second:"),
        ('[database]\nurl = "mysql://x"', "database.url: must start with sqlite+aiosqlite://"),
        ('[telegram]\napi_base = "ftp://x"', "telegram.api_base: must be an http"),
        ("admins = [-5]", "admins: Telegram user ids are positive integers"),
        (
            '[telegram]\nmode = "webhook"',
            'telegram.mode = "webhook" needs webhook.url, webhook.secret_token',
        ),
        ('[webhook]\nsecret_token = "no spaces"', "webhook.secret_token: 1-256 characters"),
        ("admins = [9223372036854775808]", "admins: Telegram user ids are positive integers"),
        ('[identity]\naccount_hash_key = "short"', "identity.account_hash_key: at least 32"),
        ('[http]\nlisten = "8081"', "http.listen: must be host:port"),
        ('[webhook]\nurl = "bot.example.org/hook"', "webhook.url: must be an https:// URL"),
        ('admins = ["me"]', "admins.0:"),
        ("[telegram]\ntokn = 'x'", "telegram.tokn: unknown key"),
        ("[org\n", "not valid TOML"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_key(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(_write(tmp_path, body), environ={})
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_named_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_settings(tmp_path / "nope.toml", environ={})


def _cli(*args: str, cwd: Path, env_extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_bad_config_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    config = _write(tmp_path, '[org]\ndefault_language = "de"')
    result = _cli("run", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "org.default_language" in result.stderr


def test_cli_run_without_a_token_explains_how_to_set_one(tmp_path: Path) -> None:
    result = _cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr
    assert "ppo-bot sandbox" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_version_and_help(tmp_path: Path) -> None:
    assert _cli("--version", cwd=tmp_path).stdout.startswith("ppo-bot ")
    for command in ("run", "migrate"):
        result = _cli(command, "--help", cwd=tmp_path)
        assert result.returncode == 0
        assert "--config" in result.stdout


def test_cli_migrate_creates_and_reports(tmp_path: Path) -> None:
    config = _write(tmp_path, f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/x.db"\n')
    first = _cli("migrate", "--config", str(config), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "applied migrations: 0001" in first.stdout
    again = _cli("migrate", "--config", str(config), cwd=tmp_path)
    assert "the database is up to date" in again.stdout


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite+aiosqlite:///data/x.db", "sqlite+aiosqlite:///{folder}/data/x.db"),
        ("sqlite+aiosqlite:///x.db?timeout=5", "sqlite+aiosqlite:///{folder}/x.db?timeout=5"),
        ("sqlite+aiosqlite:////srv/x.db", "sqlite+aiosqlite:////srv/x.db"),
        ("sqlite+aiosqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_a_relative_sqlite_path_is_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, expected: str
) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    config = _write(folder, f'[database]\nurl = "{url}"\n')
    monkeypatch.chdir(tmp_path)  # elsewhere: the current folder must not matter
    settings = load_settings(config, environ={})
    assert settings.database.url == expected.format(folder=folder.resolve().as_posix())


def test_cli_migrate_puts_a_relative_sqlite_file_next_to_the_config(tmp_path: Path) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    config = _write(folder, '[database]\nurl = "sqlite+aiosqlite:///data/x.db"\n')
    (folder / "data").mkdir()
    done = _cli("migrate", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (folder / "data" / "x.db").exists()
    assert not (tmp_path / "data").exists()
