"""Settings: one typed object read once from a TOML file, every bad value named by its key."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from till.core.money import parse_rate
from till.errors import ConfigError, InvalidSale

CONFIG_ENV = "TILL_CONFIG"


@dataclass(frozen=True)
class StoreSettings:
    name: str = "My Shop"
    address: tuple[str, ...] = ()
    vat_number: str = ""


@dataclass(frozen=True)
class TillSettings:
    number: int = 1
    seller: str = "Till"


@dataclass(frozen=True)
class LocaleSettings:
    currency: str = "EUR"
    locale: str = "fr_FR"


@dataclass(frozen=True)
class VatSettings:
    rates: tuple[int, ...] = (2000, 1000, 550, 210)
    """Allowed VAT rates in basis points; the config file gives them as percentages."""


@dataclass(frozen=True)
class PrinterSettings:
    url: str = "none"
    """``tcp://HOST:PORT``, ``usb://VID:PID``, ``serial:///dev/ttyUSB0?baudrate=19200``,
    ``file:///dev/usb/lp0`` (or any file), or ``none``."""
    profile: str = "TM-T88V"
    width: int = 42
    timeout: int = 5
    """Seconds to wait for the printer before the job is left queued for later."""


@dataclass(frozen=True)
class ReceiptSettings:
    footer: tuple[str, ...] = ("Thank you for your visit!",)
    qr: str = ""
    """If set, a QR code under the barcode, e.g. ``https://shop.example/r/{receipt}``."""


@dataclass(frozen=True)
class DisplaySettings:
    theme: str = "auto"
    """A Textual theme name; ``auto`` picks the 16-colour ANSI theme on the Linux console."""


@dataclass(frozen=True)
class DatabaseSettings:
    path: str = "data/till.db"


@dataclass(frozen=True)
class Settings:
    """Everything the register reads from its configuration file."""

    store: StoreSettings = field(default_factory=StoreSettings)
    till: TillSettings = field(default_factory=TillSettings)
    locale: LocaleSettings = field(default_factory=LocaleSettings)
    vat: VatSettings = field(default_factory=VatSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    receipt: ReceiptSettings = field(default_factory=ReceiptSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → keys, e.g. ``pay = "f12,ctrl+t"``, to remap the register's keys."""

    def with_database(self, path: str | os.PathLike[str]) -> Settings:
        return replace(self, database=DatabaseSettings(str(path)))


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read the config file named, or $TILL_CONFIG, or return the defaults."""
    chosen = path if path is not None else os.environ.get(CONFIG_ENV)
    if chosen is None:
        return Settings()
    config_path = Path(chosen)
    try:
        data = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{config_path}: no such config file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{config_path}: cannot be read ({error}).") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{config_path}: not valid TOML: {error}.") from None
    try:
        settings = settings_from_dict(data)
    except ConfigError as error:
        raise ConfigError(f"{config_path}: {error}") from None
    if not Path(settings.database.path).is_absolute():
        resolved = (config_path.parent / settings.database.path).resolve()
        settings = settings.with_database(resolved)
    return settings


def settings_from_dict(data: dict[str, Any]) -> Settings:
    sections = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    for name, section in data.items():
        if name not in sections:
            raise ConfigError(f"{name}: unknown section (known: {', '.join(sections)}).")
        if not isinstance(section, dict):
            raise ConfigError(f"{name}: must be a table, written [{name}].")
        if name == "keymap":
            values[name] = _keymap(section)
        else:
            values[name] = _section(name, sections[name].default_factory(), section)
    settings = Settings(**values)
    _check(settings)
    return settings


def _section(name: str, default: Any, table: dict[str, Any]) -> Any:
    known = {f.name: getattr(default, f.name) for f in fields(default)}
    converted: dict[str, Any] = {}
    for key, value in table.items():
        where = f"[{name}] {key}"
        if key not in known:
            raise ConfigError(f"{where}: unknown key (known: {', '.join(known)}).")
        converted[key] = _convert(where, name, key, known[key], value)
    return replace(default, **converted)


def _convert(where: str, section: str, key: str, default: Any, value: Any) -> Any:
    if section == "vat" and key == "rates":
        return _rates(where, value)
    if isinstance(default, int):
        if type(value) is not type(default):
            raise ConfigError(f"{where}: must be a whole number, got {value!r}.")
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where}: must be text in quotes, got {value!r}.")
        return value
    if isinstance(default, tuple):
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: must be a list of text lines, got {value!r}.")
        return tuple(value)
    raise ConfigError(f"{where}: unsupported value {value!r}.")


def _rates(where: str, value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: must be a list of percentages such as [20, 5.5].")
    rates = []
    for rate in value:
        if isinstance(rate, bool) or not isinstance(rate, int | float | str):
            raise ConfigError(f"{where}: {rate!r} is not a percentage.")
        try:
            rates.append(parse_rate(str(rate)))
        except InvalidSale as error:
            raise ConfigError(f"{where}: {error}") from None
    return tuple(rates)


def _keymap(table: dict[str, Any]) -> dict[str, str]:
    for key, value in table.items():
        if not isinstance(value, str) or not value:
            raise ConfigError(f'[keymap] {key}: must be keys in quotes such as "f12,ctrl+t".')
    return dict(table)


def _check(settings: Settings) -> None:
    if settings.till.number < 1 or settings.till.number > 999:
        raise ConfigError(f"[till] number: must be between 1 and 999, got {settings.till.number}.")
    if not 24 <= settings.printer.width <= 80:
        raise ConfigError(
            f"[printer] width: must be between 24 and 80 characters, got {settings.printer.width}."
        )
    currency = settings.locale.currency
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise ConfigError(f"[locale] currency: must be an ISO code such as EUR, got {currency!r}.")
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(settings.locale.locale)
    except (ValueError, UnknownLocaleError):
        raise ConfigError(
            f"[locale] locale: unknown locale {settings.locale.locale!r} (try fr_FR or en_GB)."
        ) from None
