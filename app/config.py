"""Configuration from the environment. Nothing secret has a default."""
import os
import re
from pathlib import Path

# Each SQLite connection's page cache in MB, unless SQLITE_CACHE_MB says otherwise (app.core.sqlite).
SQLITE_CACHE_MB = 64
WEAK_KEYS = {"", "dev", "secret", "changeme", "change-me", "please-change", "development"}


class ConfigError(RuntimeError):
    """The application refuses to start with an unsafe or incomplete configuration."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _whole(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (not {value!r}).") from None


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    db_path = Path(instance_path) / "portal.db"
    cfg = {
        "SECRET_KEY": os.environ.get("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or f"sqlite:///{db_path}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLITE_CACHE_MB": _whole("SQLITE_CACHE_MB", SQLITE_CACHE_MB),
        "DEBUG": _bool("FLASK_DEBUG", False),
        "TESTING": False,
        # Cookies: secure by default; `make run` serves plain HTTP on 127.0.0.1 and turns it off.
        "SESSION_COOKIE_SECURE": _bool("COOKIE_SECURE", True),
        "REMEMBER_COOKIE_SECURE": _bool("COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_HOURS", "12")) * 3600,
        "WTF_CSRF_TIME_LIMIT": None,  # bound to the session instead of a clock
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_CN", "en"],
        "SERVER_NAME": os.environ.get("SERVER_NAME") or None,
        "PREFERRED_URL_SCHEME": os.environ.get("URL_SCHEME", "https"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Mail: "outbox" keeps messages in the database only (development, tests); "smtp" sends.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "outbox"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Bianmu <no-reply@bianmu.invalid>"),
        # Login throttling: this many failures within the window lock the account and the address.
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_WINDOW_MINUTES": int(os.environ.get("LOGIN_WINDOW_MINUTES", "15")),
        "TOKEN_MAX_AGE_HOURS": int(os.environ.get("TOKEN_MAX_AGE_HOURS", "48")),
        "APPLICATION_TOKEN_MAX_AGE_DAYS": int(os.environ.get("APPLICATION_TOKEN_MAX_AGE_DAYS", "30")),
        "PASSWORD_MIN_LENGTH": 10,
        # Records of a newly certified cataloguer reviewed before release, for scopes the centre
        # has not set itself (catalogue → review → probation).
        "PROBATION_RECORDS": int(os.environ.get("PROBATION_RECORDS", "10")),
        # The centre's MARC organization code, the 003 of the MARC 21 records the catalogue numbers
        # (catalog.upload). Empty: no 003 is written.
        "CATALOGUE_ORG_CODE": os.environ.get("CATALOGUE_ORG_CODE", "").strip(),
        # Reverse proxies in front of gunicorn whose X-Forwarded-* headers are believed.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "PAGE_SIZE": 25,
        # No request body larger than this is read at all (413); each form has its own, smaller limit.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "8")) * 1024 * 1024,
        # Community and exams: limits counted in the database, so every worker process agrees.
        "EXAM_APPEAL_DAYS": int(os.environ.get("EXAM_APPEAL_DAYS", "14")),
        "FORUM_POSTS_PER_MINUTE": int(os.environ.get("FORUM_POSTS_PER_MINUTE", "5")),
        "CONSULT_MESSAGES_PER_MINUTE": int(os.environ.get("CONSULT_MESSAGES_PER_MINUTE", "5")),
        "CONSULT_ESCALATE_WORKING_DAYS": int(os.environ.get("CONSULT_ESCALATE_WORKING_DAYS", "2")),
    }
    cfg.update(overrides)
    uri = cfg["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://") or uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; accept the common spellings.
        cfg["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    check_secret(cfg)
    check_org_code(cfg)
    return cfg


ORG_CODE = re.compile(r"[A-Za-z0-9:/-]{2,16}")  # MARC Code List for Organizations: letters, digits, - : /


def check_org_code(cfg: dict) -> None:
    code = cfg.get("CATALOGUE_ORG_CODE") or ""
    if code and not ORG_CODE.fullmatch(code):
        raise ConfigError(f"CATALOGUE_ORG_CODE {code!r} is not a MARC organization code "
                          "(2 to 16 letters, digits, '-', ':' or '/').")


def check_secret(cfg: dict) -> None:
    if cfg.get("DEBUG") or cfg.get("TESTING"):
        if not cfg.get("SECRET_KEY"):
            cfg["SECRET_KEY"] = os.urandom(32).hex()
        return
    key = cfg.get("SECRET_KEY") or ""
    if key.strip().lower() in WEAK_KEYS or len(key) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters "
            "(e.g. python3 -c 'import secrets; print(secrets.token_hex(32))')."
        )
