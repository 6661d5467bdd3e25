"""Typed settings loaded from a TOML file, with environment overrides."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

Language = Literal["kk", "ru", "en"]
LANGUAGES: tuple[Language, ...] = ("kk", "ru", "en")
TELEGRAM_API_BASE = "https://api.telegram.org"
DEFAULT_CONFIG_PATH = Path("config.toml")


class ConfigError(Exception):
    """A configuration problem, described in one line that names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramSettings(_Section):
    token: SecretStr | None = None
    api_base: str = TELEGRAM_API_BASE

    @field_validator("api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            msg = "must be an http:// or https:// URL"
            raise ValueError(msg)
        return value.rstrip("/")


class DatabaseSettings(_Section):
    url: str = "sqlite+aiosqlite:///data/ppo-bot.db"

    @field_validator("url")
    @classmethod
    def _supported_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            msg = "must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            raise ValueError(msg)
        return value


class LocalizedName(_Section):
    kk: str = "Партия"
    ru: str = "Партия"
    en: str = "The Party"

    def get(self, language: str) -> str:
        """The name in `language`, English when the language is unknown."""
        return str(getattr(self, language, self.en))


class OrgSettings(_Section):
    name: LocalizedName = LocalizedName()
    default_language: Language = "kk"
    timezone: str = "Asia/Almaty"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            msg = f"unknown time zone {value!r} (use an IANA name such as Asia/Almaty)"
            raise ValueError(msg) from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The organisation's time zone."""
        return ZoneInfo(self.timezone)


class DeliverySettings(_Section):
    rate_per_second: float = Field(default=30, gt=0, le=1000)
    paid_broadcast: bool = False


class RedisSettings(_Section):
    url: str | None = None


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(_Section):
    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    org: OrgSettings = OrgSettings()
    admins: list[int] = []
    delivery: DeliverySettings = DeliverySettings()
    redis: RedisSettings = RedisSettings()
    logging: LoggingSettings = LoggingSettings()

    @field_validator("admins")
    @classmethod
    def _positive_ids(cls, value: list[int]) -> list[int]:
        if any(user_id <= 0 for user_id in value):
            msg = "Telegram user ids are positive integers"
            raise ValueError(msg)
        return value


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden":
        return f"{key}: unknown key (see config.example.toml for the keys)"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{key}: {message}"


def parse_settings(raw: dict[str, Any]) -> Settings:
    """Validate a parsed TOML document; the first problem becomes a ConfigError."""
    try:
        return Settings.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


def load_settings(path: Path | None = None, *, environ: dict[str, str] | None = None) -> Settings:
    """Read settings from `path` (or $PPO_BOT_CONFIG, or ./config.toml) and the environment.

    A missing default file is fine (all keys have defaults); a missing file that was asked
    for by name is an error. BOT_TOKEN overrides `telegram.token`.
    """
    env = os.environ if environ is None else environ
    explicit = path is not None or "PPO_BOT_CONFIG" in env
    config_path = path or Path(env.get("PPO_BOT_CONFIG", DEFAULT_CONFIG_PATH))
    raw: dict[str, Any] = {}
    if config_path.exists():
        try:
            raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            msg = f"{config_path}: not valid TOML ({error})"
            raise ConfigError(msg) from None
    elif explicit:
        msg = f"{config_path}: no such file (copy config.example.toml to start one)"
        raise ConfigError(msg)
    if token := env.get("BOT_TOKEN"):
        raw.setdefault("telegram", {})["token"] = token
    return parse_settings(raw)
