"""Typed settings loaded from a TOML file, with environment overrides."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.domain.numbers import BIGINT_MAX
from bot.domain.regions import REGIONS

REGION_CODES = frozenset(region.code for region in REGIONS)

Language = Literal["kk", "ru", "en"]
LANGUAGES: tuple[Language, ...] = ("kk", "ru", "en")
TELEGRAM_API_BASE = "https://api.telegram.org"
DEFAULT_CONFIG_PATH = Path("config.toml")
MIN_SECRET_LENGTH = 4


class ConfigError(Exception):
    """A configuration problem, described in one line that names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramSettings(_Section):
    token: SecretStr | None = None
    api_base: str = TELEGRAM_API_BASE
    # polling: getUpdates in one process; webhook: Telegram POSTs updates to [webhook] url.
    mode: Literal["polling", "webhook"] = "polling"

    @field_validator("api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            msg = "must be an http:// or https:// URL"
            raise ValueError(msg)
        return value.rstrip("/")


class DatabaseSettings(_Section):
    url: str = "sqlite+aiosqlite:///data/ppo-bot.db"
    # PostgreSQL connections per process (as many again at peaks)
    pool_size: int = Field(default=20, ge=1, le=200)

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
    # the organisation's internet domain: the stable ids of events in calendar files
    domain: str = Field(default="ppo-bot.local", pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,250})$")

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


FREE_RATE_PER_SECOND = 30  # what Telegram allows a bot without paid broadcasts


class DeliverySettings(_Section):
    rate_per_second: float = Field(default=FREE_RATE_PER_SECOND, gt=0, le=1000)
    paid_broadcast: bool = False
    # How long a claimed message stays reserved for its sender; a crashed process's claims are
    # taken over by another (or the restarted) process after this.
    lease_seconds: float = Field(default=15, ge=1, le=600)
    # false: this process never sends; what it queues waits in the outbox for a process that
    # does (or for this one, restarted with true).
    enabled: bool = True
    # A broadcast to all members, or to more recipients than this, waits until a second
    # organizer (or an admin) approves it.
    approval_threshold: int = Field(default=100_000, ge=0)

    @model_validator(mode="after")
    def _paid_above_free_rate(self) -> DeliverySettings:
        if self.rate_per_second > FREE_RATE_PER_SECOND and not self.paid_broadcast:
            msg = (
                f"rate_per_second above {FREE_RATE_PER_SECOND} needs paid_broadcast = true "
                "(Telegram's paid broadcasts)"
            )
            raise ValueError(msg)
        return self


class ReminderSettings(_Section):
    offsets_hours: list[float] = [24, 1]

    @field_validator("offsets_hours")
    @classmethod
    def _positive_offsets(cls, value: list[float]) -> list[float]:
        if any(hours <= 0 for hours in value):
            msg = "offsets are hours before the start, each above 0"
            raise ValueError(msg)
        return sorted(set(value), reverse=True)


DEFAULT_PROPOSAL_TOPICS = (
    "ppo_work",
    "digital_party",
    "digital_literacy",
    "trilingualism",
    "small_business",
    "other",
)
_TOPIC_CODE = re.compile(r"[a-z][a-z0-9_]{0,23}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ProposalSettings(_Section):
    topics: list[str] = list(DEFAULT_PROPOSAL_TOPICS)
    # How many proposals of one year a region may send to the republican editorial group,
    # and the regions that may send another number (`quota_overrides = { TRK = 8 }`).
    republican_quota: int = Field(default=5, ge=0, le=1000)
    quota_overrides: dict[str, int] = Field(default_factory=dict)

    @field_validator("quota_overrides")
    @classmethod
    def _override_regions(cls, value: dict[str, int]) -> dict[str, int]:
        for code, quota in value.items():
            if code not in REGION_CODES:
                msg = f"{code!r} is not a region code (ABY … SHY, as in docs/glossary.md)"
                raise ValueError(msg)
            if not 0 <= quota <= 1000:  # the range of republican_quota
                msg = f"{code}: a quota is a whole number from 0 to 1000"
                raise ValueError(msg)
        return value

    def quota_of(self, region_code: str) -> int:
        """How many proposals `region_code` may send to the republican stage in a year."""
        return self.quota_overrides.get(region_code, self.republican_quota)

    @field_validator("topics")
    @classmethod
    def _topic_codes(cls, value: list[str]) -> list[str]:
        # Codes travel in button data (64 bytes at most), so they are short and plain.
        if not value:
            msg = "list at least one topic code"
            raise ValueError(msg)
        for code in value:
            if not _TOPIC_CODE.fullmatch(code):
                msg = f"{code!r}: a topic code is 1-24 lowercase letters, digits or _"
                raise ValueError(msg)
        if len(set(value)) != len(value):
            msg = "topic codes must be unique"
            raise ValueError(msg)
        return value


class ForumSettings(_Section):
    # Check-in is open during the event's days, from this many hours before its start
    # until this many hours after its end.
    check_in_margin_hours: float = Field(default=3, ge=0, le=48)
    # A freed forum seat is offered to the first in line for this long (never past the
    # forum's start); unanswered, it passes to the next.
    offer_hours: float = Field(default=12, gt=0, le=168)
    # Trainings' seats are offered too (false: given at once to the first in line).
    training_offers: bool = False
    # "Still coming?" is asked this long before a forum starts (0: never asked).
    confirm_hours_before: float = Field(default=48, ge=0, le=720)
    # Seats of those who answered neither the question nor its reminder are released on
    # their own (false: an organizer releases them with one press).
    release_silent: bool = False


class IdentitySettings(_Section):
    # HMAC key for failed link attempts; None: generated once and kept in the database.
    account_hash_key: SecretStr | None = None

    @field_validator("account_hash_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            msg = "at least 32 characters (or leave it unset: the bot makes one)"
            raise ValueError(msg)
        return value


class RedisSettings(_Section):
    url: str | None = None


class WebhookSettings(_Section):
    # The public HTTPS URL given to setWebhook; its path is the path this process serves.
    url: str | None = None
    secret_token: SecretStr | None = None
    max_connections: int = Field(default=40, ge=1, le=100)
    # Telegram's updates are small; anything larger is refused before it is read.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # An update in hand in a process that died is handled elsewhere after this (Telegram waits
    # about 60 s for an answer, so a live process may take that long).
    in_hand_seconds: float = Field(default=60, ge=1, le=600)

    @field_validator("url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            msg = "must be an https:// URL (http:// only for local tests)"
            raise ValueError(msg)
        return value

    @field_validator("secret_token")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram: 1-256 characters A-Z, a-z, 0-9, _ and -.
        if value is not None and not _SECRET.fullmatch(value.get_secret_value()):
            msg = "1-256 characters, only A-Z, a-z, 0-9, _ and -"
            raise ValueError(msg)
        return value

    @property
    def path(self) -> str:
        """The path of `url`: the route this process serves the webhook on."""
        return urlsplit(self.url or "").path or "/"


class HttpSettings(_Section):
    # host:port of this process's HTTP listener (webhook, /healthz, /metrics); none if unset.
    listen: str | None = None

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is None:
            return None
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            msg = "must be host:port, e.g. 127.0.0.1:8081"
            raise ValueError(msg)
        return value

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) of `listen`."""
        assert self.listen is not None
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]"), int(port)


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(_Section):
    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    org: OrgSettings = OrgSettings()
    admins: list[int] = []
    delivery: DeliverySettings = DeliverySettings()
    reminders: ReminderSettings = ReminderSettings()
    proposals: ProposalSettings = ProposalSettings()
    forums: ForumSettings = ForumSettings()
    redis: RedisSettings = RedisSettings()
    identity: IdentitySettings = IdentitySettings()
    webhook: WebhookSettings = WebhookSettings()
    http: HttpSettings = HttpSettings()
    logging: LoggingSettings = LoggingSettings()

    def secrets(self) -> list[str]:
        """What must never reach a log: the token and its secret half, the webhook secret,
        the database and Redis passwords (as written, and decoded)."""
        found: list[str] = []
        if self.telegram.token is not None:
            token = self.telegram.token.get_secret_value()
            found += [token, token.partition(":")[2]]
        for secret in (self.webhook.secret_token, self.identity.account_hash_key):
            if secret is not None:
                found.append(secret.get_secret_value())
        for url in (self.database.url, self.redis.url):
            password = urlsplit(url or "").password
            if password:
                found += [password, unquote(password)]
        # Longest first, so that a secret inside another is not masked piecemeal; very short
        # values would mask ordinary words, and no real secret is that short.
        return sorted(
            {value for value in found if len(value) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    @field_validator("admins")
    @classmethod
    def _positive_ids(cls, value: list[int]) -> list[int]:
        if any(not 0 < user_id <= BIGINT_MAX for user_id in value):
            msg = "Telegram user ids are positive integers (at most 2^63 - 1)"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _webhook_complete(self) -> Settings:
        if self.telegram.mode != "webhook":
            return self
        missing = [
            key
            for key, value in (
                ("webhook.url", self.webhook.url),
                ("webhook.secret_token", self.webhook.secret_token),
            )
            if value is None
        ]
        if missing:
            msg = f'telegram.mode = "webhook" needs {", ".join(missing)}'
            raise ValueError(msg)
        return self


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


# Secrets and per-process values from the environment, so one file serves every process.
ENVIRONMENT = {
    "BOT_TOKEN": ("telegram", "token"),
    "PPO_BOT_DATABASE_URL": ("database", "url"),
    "PPO_BOT_REDIS_URL": ("redis", "url"),
    "PPO_BOT_WEBHOOK_URL": ("webhook", "url"),
    "PPO_BOT_WEBHOOK_SECRET": ("webhook", "secret_token"),
    "PPO_BOT_HTTP_LISTEN": ("http", "listen"),
    "PPO_BOT_ACCOUNT_HASH_KEY": ("identity", "account_hash_key"),
}


SQLITE_PREFIX = "sqlite+aiosqlite:///"


def _resolve_sqlite_path(raw: dict[str, Any], folder: Path) -> None:
    """A relative SQLite path in the file is relative to the file's folder, not the current one."""
    database = raw.get("database")
    if not isinstance(database, dict):
        return
    url = database.get("url")
    if not isinstance(url, str) or not url.startswith(SQLITE_PREFIX):
        return
    path, sep, query = url.removeprefix(SQLITE_PREFIX).partition("?")
    if not path or path.startswith("/") or path == ":memory:":
        return
    database["url"] = f"{SQLITE_PREFIX}{(folder / path).as_posix()}{sep}{query}"


def load_settings(path: Path | None = None, *, environ: dict[str, str] | None = None) -> Settings:
    """Read settings from `path` (or $PPO_BOT_CONFIG, or ./config.toml) and the environment.

    A missing default file is fine (all keys have defaults); a missing file that was asked
    for by name is an error. The variables of ENVIRONMENT override their keys.
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
        _resolve_sqlite_path(raw, config_path.resolve().parent)
    elif explicit:
        msg = f"{config_path}: no such file (copy config.example.toml to start one)"
        raise ConfigError(msg)
    for variable, (section, key) in ENVIRONMENT.items():
        if value := env.get(variable):
            raw.setdefault(section, {})[key] = value
    return parse_settings(raw)
