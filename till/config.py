"""Settings: one typed object read once from a TOML file, every bad value named by its key."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from till.core.loyalty import LoyaltyProgram
from till.core.money import parse_rate
from till.core.text import first_control
from till.core.words import N_
from till.errors import ConfigError, InvalidSale, reason_of
from till.i18n import LANGUAGES

CONFIG_ENV = "TILL_CONFIG"
SYNC_URL_ENV = "TILL_SYNC_URL"
SYNC_TOKEN_ENV = "TILL_SYNC_TOKEN"
MAX_CONFIG_BYTES = 1 << 20
"""A config is a few kilobytes; reading more (a log file, /dev/zero) would only fill memory."""


@dataclass(frozen=True)
class StoreSettings:
    name: str = "My Shop"
    address: tuple[str, ...] = ()
    vat_number: str = ""
    siret: str = ""
    """The shop's SIRET (14 digits): invoices need it (docs/invoices.md)."""


@dataclass(frozen=True)
class TillSettings:
    number: int = 1
    seller: str = "Till"


@dataclass(frozen=True)
class LocaleSettings:
    currency: str = "EUR"
    locale: str = "fr_FR"
    """How numbers, dates and money are written."""
    language: str = "en"
    """The words of the screens, receipts and reports: ``en`` or ``fr`` (till.i18n)."""


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
class ScannerDevice:
    """One ``[[scanner.devices]]`` entry: which input device, what it scans, its layout."""

    match: str = ""
    """A device name, ``vvvv:pppp`` or a ``/dev/input/by-id/`` path (see `till devices`)."""
    role: str = "any"
    """``product``, ``loyalty`` or ``any`` (the code itself decides)."""
    layout: str = ""
    """This scanner's keyboard layout; empty: the ``[scanner] layout``."""


@dataclass(frozen=True)
class ScannerSettings:
    """The ``[scanner]`` section: how evdev scanners are found and decoded."""

    layout: str = "us"
    """The keyboard layout scanners are set to: ``us`` or ``fr`` (AZERTY)."""
    timeout_ms: int = 100
    """A scan pausing longer than this between two keys is dropped as partial."""
    devices: tuple[ScannerDevice, ...] = ()
    """Scanners read through evdev; none: scanners type into the scan field (keyboard wedge)."""


@dataclass(frozen=True)
class LoyaltySettings:
    """The ``[loyalty]`` section: how points are earned, spent and expire."""

    points_per_unit: int = 1
    categories: tuple[str, ...] = ()
    threshold: int = 100
    point_value: int = 1
    """Minor units one point is worth when spent: 1 means 100 points pay 1.00."""
    expiry_months: int = 12
    expiry_date: str = ""
    """``MM-DD``: points expire that day of the year after they were earned (replaces months)."""
    offline_cap: int = 500
    card_prefix: str = "29"
    """The first two digits of the EAN-13 cards this shop issues (20-29: in-store use)."""

    @property
    def program(self) -> LoyaltyProgram:
        return LoyaltyProgram(
            points_per_unit=self.points_per_unit,
            categories=self.categories,
            threshold=self.threshold,
            point_value=self.point_value,
            expiry_months=self.expiry_months,
            expiry_date=self.expiry_date,
            offline_cap=self.offline_cap,
        )


@dataclass(frozen=True)
class PricingSettings:
    """The ``[pricing]`` section: customer discounts and export sales."""

    segment_discounts: dict[str, int] = field(default_factory=dict)
    """Segment → discount in basis points; written as percentages: ``{ VIP = 5 }``."""
    allow_below_cost: bool = False
    """Whether a customer discount may take a line below its cost."""
    export_mention: str = "Export sale: VAT exempt."
    """Printed on the receipt of a tax-free export sale."""


@dataclass(frozen=True)
class SubscriptionSettings:
    """The ``[subscriptions]`` section (docs/subscriptions.md)."""

    warn_days: int = 14
    """The cashier is told when the attached customer's subscription ends within this many
    days (or ended in the last 30)."""


@dataclass(frozen=True)
class AccountSettings:
    """The ``[accounts]`` section: customer accounts."""

    credit_limit: int = 0
    """How much a business customer may owe on account, in whole currency units; 0: a sale
    on account needs credit on the account (credit notes, deposits)."""


@dataclass(frozen=True)
class CustomerSettings:
    """The ``[customers]`` section: rules of the customer file (docs/customers.md)."""

    vat_from_siret: bool = False
    """Fill an empty VAT number with the French one derived from a SIRET or SIREN as it is
    entered. Off by default: a business exempt from VAT (franchise en base) has a SIREN but
    no VAT number, and the derived one would then be a false mention on its invoices."""


@dataclass(frozen=True)
class InvoiceSettings:
    """The ``[invoice]`` section: the terms and legal mentions of the shop's invoices
    (docs/invoices.md)."""

    payment_terms: str = "net30"
    """``receipt``, ``eom`` (end of month), ``netN`` (N days, at most 60) or ``netNeom``
    (N days end of month, at most 45)."""
    penalty_rate: str = "3 × the legal interest rate"
    """The late-payment penalty rate, as the invoice states it."""
    recovery_indemnity: int = 4000
    """The fixed indemnity for recovery costs, in minor units (40 € in France)."""
    early_payment: str = "No discount for early payment."
    operation: str = "goods"
    """What the shop's invoices are for: ``goods``, ``services`` or ``mixed``."""
    legal_mentions: tuple[str, ...] = ()
    """The shop's legal form, share capital and trade register, one line each, e.g.
    ``SAS au capital de 10 000 €, RCS Paris 123 456 789``."""


@dataclass(frozen=True)
class SecuritySettings:
    manager_pin: str = ""
    """The manager PIN's scrypt hash, as ``till manager-pin`` prints it; never the PIN."""
    idle_logout: int = 300
    """Seconds without a key after which a till with users asks for a PIN again (0: never);
    the sale in progress stays open underneath."""
    key_dir: str = ""
    """The folder of the till's secrets (PIN pepper, journal signing key), kept out of the
    database and its backups; empty: a ``keys`` folder beside the database."""


@dataclass(frozen=True)
class SyncSettings:
    """The ``[sync]`` section: the back office this till syncs with (none: a till alone).
    ``TILL_SYNC_URL`` and ``TILL_SYNC_TOKEN`` override ``url`` and ``token``."""

    url: str = ""
    """The server, ``https://…``; plain ``http://`` only to this machine (127.0.0.1,
    localhost, ::1), e.g. through an SSH tunnel."""
    token: str = ""
    """This till's token, as ``till server add-till`` printed it."""
    name: str = ""
    """This till's name on the server: the NAME given to ``till server add-till NAME``
    (the server checks that a batch names the till its token belongs to)."""
    interval: int = 30
    """Seconds between syncs (a sale also starts one)."""
    ca_bundle: str = ""
    """A PEM file of the certificate authorities to trust instead of the system's."""
    offline_after: int = 300
    """Seconds since the last complete sync after which the till counts as offline: points
    and account credit are then capped by what the customer had at that sync."""

    @property
    def enabled(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class ServeSettings:
    """The ``[serve]`` section: where ``till serve`` shows the support view in a browser."""

    host: str = "127.0.0.1"
    """The address it listens on. This machine only unless set here: the support view shows
    the customer file, so reaching it from elsewhere goes through an SSH tunnel."""
    port: int = 8040


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
    loyalty: LoyaltySettings = field(default_factory=LoyaltySettings)
    pricing: PricingSettings = field(default_factory=PricingSettings)
    subscriptions: SubscriptionSettings = field(default_factory=SubscriptionSettings)
    accounts: AccountSettings = field(default_factory=AccountSettings)
    invoice: InvoiceSettings = field(default_factory=InvoiceSettings)
    customers: CustomerSettings = field(default_factory=CustomerSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → keys, e.g. ``pay = "f12,ctrl+t"``, to remap the register's keys."""

    def with_database(self, path: str | os.PathLike[str]) -> Settings:
        return replace(self, database=DatabaseSettings(str(path)))

    @property
    def key_dir(self) -> Path:
        """Where the till's secrets live: ``[security] key_dir`` or ``keys`` beside the
        database."""
        configured = self.security.key_dir
        return Path(configured) if configured else Path(self.database.path).parent / "keys"


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read the config file named, or $TILL_CONFIG, or return the defaults."""
    chosen = path if path is not None else os.environ.get(CONFIG_ENV)
    if chosen is None:
        return Settings()
    config_path = Path(chosen)
    try:
        with config_path.open("rb") as file:
            raw = file.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(
                N_("{path}: more than 1 MiB: not a config file."), path=str(config_path)
            )
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(N_("{path}: no such config file."), path=str(config_path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            N_("{path}: cannot be read ({detail})."), path=str(config_path), detail=str(error)
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            N_("{path}: not valid TOML: {detail}."), path=str(config_path), detail=str(error)
        ) from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise ConfigError(
            N_("{path}: not valid TOML: it nests too deeply."), path=str(config_path)
        ) from None
    try:
        settings = settings_from_dict(data)
    except ConfigError as error:
        raise ConfigError(
            N_("{path}: {problem}"), path=str(config_path), problem=reason_of(error)
        ) from None
    if not Path(settings.database.path).is_absolute():
        resolved = (config_path.parent / settings.database.path).resolve()
        settings = settings.with_database(resolved)
    key_dir = settings.security.key_dir
    if key_dir and not Path(key_dir).is_absolute():
        security = replace(settings.security, key_dir=str((config_path.parent / key_dir).resolve()))
        settings = replace(settings, security=security)
    return settings


def shown(name: str) -> str:
    """A key from the file as an error message names it: quoted and escaped when it holds
    characters a terminal would act on, so the message stays one plain line."""
    return name if name.isprintable() and name.strip() == name and name else repr(name)


def settings_from_dict(data: dict[str, Any], environ: Any = None) -> Settings:
    """``data`` as read from the TOML file, with ``TILL_SYNC_URL``/``TILL_SYNC_TOKEN`` from
    ``environ`` (default: the process's) over ``[sync] url``/``token``."""
    environ = os.environ if environ is None else environ
    overrides = {
        key: environ[variable]
        for key, variable in (("url", SYNC_URL_ENV), ("token", SYNC_TOKEN_ENV))
        if environ.get(variable)
    }
    section = data.get("sync", {})
    if overrides and isinstance(section, dict):
        data = {**data, "sync": {**section, **overrides}}
    defaults = Settings()
    sections = [f.name for f in fields(Settings)]
    values: dict[str, Any] = {}
    for name, section in data.items():
        if name not in sections:
            raise ConfigError(
                N_("{section}: unknown section (known: {known})."),
                section=shown(name),
                known=", ".join(sections),
            )
        if not isinstance(section, dict):
            raise ConfigError(N_("{section}: must be a table, written [{section}]."), section=name)
        if name == "keymap":
            values[name] = _keymap(section)
        else:
            values[name] = _section(name, getattr(defaults, name), section)
    settings = Settings(**values)
    _check(settings)
    return settings


def _section(name: str, default: Any, table: dict[str, Any]) -> Any:
    known = {f.name: getattr(default, f.name) for f in fields(default)}
    converted: dict[str, Any] = {}
    for key, value in table.items():
        where = f"[{name}] {shown(key)}"
        if key not in known:
            raise ConfigError(
                N_("{where}: unknown key (known: {known})."), where=where, known=", ".join(known)
            )
        converted[key] = _convert(where, name, key, known[key], value)
    return replace(default, **converted)


def _convert(where: str, section: str, key: str, default: Any, value: Any) -> Any:
    if section == "vat" and key == "rates":
        return _rates(where, value)
    if section == "scanner" and key == "devices":
        return _scanner_devices(where, value)
    if section == "pricing" and key == "segment_discounts":
        return _percentages(where, value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(
                N_("{where}: must be true or false, got {value!r}."), where=where, value=value
            )
        return value
    if isinstance(default, int):
        if type(value) is not type(default):
            raise ConfigError(
                N_("{where}: must be a whole number, got {value!r}."), where=where, value=value
            )
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(
                N_("{where}: must be text in quotes, got {value!r}."), where=where, value=value
            )
        return _text(where, value)
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = value.splitlines() or [""]  # a multi-line string is its lines
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                N_("{where}: must be a list of text lines, got {value!r}."),
                where=where,
                value=value,
            )
        return tuple(_text(where, line) for line in value)
    raise ConfigError(N_("{where}: unsupported value {value!r}."), where=where, value=value)


def _text(where: str, value: str) -> str:
    """A text value as it may reach a receipt or a screen: no control characters (an ESC in
    the store name would reach the printer as a command)."""
    found = first_control(value)
    if found:
        raise ConfigError(
            N_("{where}: has a control character ({found}); write plain text."),
            where=where,
            found=found,
        )
    return value


def _rates(where: str, value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(
            N_("{where}: must be a list of percentages such as [20, 5.5]."), where=where
        )
    rates = []
    for rate in value:
        if isinstance(rate, bool) or not isinstance(rate, int | float | str):
            raise ConfigError(N_("{where}: {rate!r} is not a percentage."), where=where, rate=rate)
        try:
            rates.append(parse_rate(str(rate)))
        except InvalidSale as error:
            raise ConfigError(
                N_("{where}: {problem}"), where=where, problem=reason_of(error)
            ) from None
    return tuple(rates)


def _percentages(where: str, value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ConfigError(
            N_("{where}: must be a table such as {example}."),
            where=where,
            example="{ VIP = 5, Wholesale = 12.5 }",
        )
    discounts = {}
    for key, rate in value.items():
        name = shown(key)
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise ConfigError(
                N_("{where}: {name} = {rate!r} is not a percentage."),
                where=where,
                name=name,
                rate=rate,
            )
        if not 0 <= rate < 100:
            raise ConfigError(
                N_("{where}: {name} must be at least 0 and under 100 (%), got {rate}."),
                where=where,
                name=name,
                rate=rate,
            )
        try:
            discounts[key] = parse_rate(str(rate))
        except InvalidSale as error:
            raise ConfigError(
                N_("{where}: {name}: {problem}"), where=where, name=name, problem=reason_of(error)
            ) from None
    return discounts


def _scanner_devices(where: str, value: Any) -> tuple[ScannerDevice, ...]:
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ConfigError(
            N_("{where}: write each scanner as a [[scanner.devices]] table."), where=where
        )
    return tuple(
        _section(f"scanner.devices #{n}", ScannerDevice(), entry)
        for n, entry in enumerate(value, 1)
    )


def _check_scanner(scanner: ScannerSettings) -> None:
    from devices.scanner.keymaps import LAYOUTS
    from devices.scanner.matching import ROLES, parse_match

    layouts = ", ".join(LAYOUTS)
    if scanner.layout not in LAYOUTS:
        raise ConfigError(
            N_("[scanner] layout: unknown {layout!r} (known: {known})."),
            layout=scanner.layout,
            known=layouts,
        )
    for n, device in enumerate(scanner.devices, 1):
        where = f"[scanner.devices #{n}]"
        try:
            parse_match(device.match)
        except ValueError as error:
            raise ConfigError(
                N_("{where} match: {problem}."), where=where, problem=reason_of(error)
            ) from None
        if device.role not in ROLES:
            raise ConfigError(
                N_("{where} role: must be one of {choices}, got {role!r}."),
                where=where,
                choices=", ".join(ROLES),
                role=device.role,
            )
        if device.layout and device.layout not in LAYOUTS:
            raise ConfigError(
                N_("{where} layout: unknown {layout!r} (known: {known})."),
                where=where,
                layout=device.layout,
                known=layouts,
            )


def _keymap(table: dict[str, Any]) -> dict[str, str]:
    from till.keymap import keymap_problems

    flat = _dotted(table)
    for binding_id, problem in keymap_problems(flat):
        raise ConfigError(
            N_("[keymap] {binding}: {problem}."), binding=shown(binding_id), problem=problem
        )
    return flat


def _dotted(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """TOML reads ``customer.edit = "f4"`` as a table ``customer`` holding ``edit``: back to
    the binding id ``customer.edit``."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_dotted(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


BOUNDS: dict[tuple[str, str], tuple[int, int]] = {
    ("till", "number"): (1, 99),
    ("printer", "width"): (24, 80),
    ("printer", "timeout"): (1, 120),
    ("scanner", "timeout_ms"): (10, 2000),
    ("loyalty", "points_per_unit"): (1, 1000),
    ("loyalty", "point_value"): (1, 100_000),
    ("loyalty", "threshold"): (0, 10_000_000),
    ("loyalty", "expiry_months"): (0, 120),
    ("loyalty", "offline_cap"): (0, 10_000_000),
    ("accounts", "credit_limit"): (0, 10_000_000),
    ("subscriptions", "warn_days"): (0, 365),
    ("invoice", "recovery_indemnity"): (0, 100_000_000),
    ("sync", "interval"): (1, 86_400),
    ("sync", "offline_after"): (10, 30 * 86_400),
    ("security", "idle_logout"): (0, 86_400),
    ("serve", "port"): (1024, 65_535),
}
"""Every whole-number setting's range: a value outside would overflow a sum, a date or the
database long after the config was read."""
MAX_QR_LENGTH = 200
"""Characters of a receipt's QR code: more than a receipt printer's QR code holds."""


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _check_sync(sync: SyncSettings) -> None:
    from urllib.parse import urlsplit

    if not sync.url:
        if sync.token:
            raise ConfigError(N_("[sync] token: set, but [sync] url is empty."))
        return
    try:
        parts = urlsplit(sync.url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 -- a bad port raises here, not at the first sync
    except ValueError as error:
        raise ConfigError(
            N_("[sync] url: {url!r} is not a valid URL ({detail})."),
            url=sync.url,
            detail=str(error),
        ) from None
    if parts.scheme not in ("https", "http") or not host:
        raise ConfigError(N_("[sync] url: must be https://HOST[:PORT], got {url!r}."), url=sync.url)
    if parts.scheme == "http" and host not in _LOOPBACK:
        raise ConfigError(
            N_(
                "[sync] url: plain http:// only to this machine (an SSH tunnel); {host} needs https://."
            ),
            host=host,
        )
    if not sync.token:
        raise ConfigError(N_("[sync] token: needed with [sync] url (or set TILL_SYNC_TOKEN)."))
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,200}", sync.token):
        raise ConfigError(N_("[sync] token: not a token as 'till server add-till' prints it."))
    if not sync.name:
        raise ConfigError(
            N_("[sync] name: needed with [sync] url: the NAME given to 'till server add-till'.")
        )
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}", sync.name):
        raise ConfigError(
            N_(
                "[sync] name: {name!r} is no till name: 1 to 40 letters, digits, '.', '_' "
                "or '-', as given to 'till server add-till'."
            ),
            name=sync.name,
        )
    if sync.ca_bundle and not Path(sync.ca_bundle).is_file():
        raise ConfigError(N_("[sync] ca_bundle: {path} is not a file."), path=sync.ca_bundle)


def _check_bounds(settings: Settings) -> None:
    for (section, key), (low, high) in BOUNDS.items():
        value = getattr(getattr(settings, section), key)
        if not low <= value <= high:
            raise ConfigError(
                N_("[{section}] {key}: must be between {low} and {high}, got {value}."),
                section=section,
                key=key,
                low=low,
                high=high,
                value=value,
            )


def _check_printer(printer: PrinterSettings) -> None:
    from devices.printer.transport import open_transport  # parses the URL, opens nothing

    try:
        open_transport(printer.url, printer.timeout)
    except ValueError as error:  # urllib's own complaint, e.g. "Invalid IPv6 URL"
        raise ConfigError(
            N_("[printer] url: {url!r} is not a valid URL ({detail})."),
            url=printer.url,
            detail=str(error),
        ) from None
    profiles = _escpos_profiles()
    if profiles and printer.profile not in profiles:
        raise ConfigError(
            N_(
                "[printer] profile: {profile!r} is not a python-escpos profile (try "
                "TM-T88V, TM-T20II or default)."
            ),
            profile=printer.profile,
        )


def _escpos_profiles() -> frozenset[str]:
    """The printer models python-escpos knows, read from its data file: importing it takes
    half a second, and the config is read by every command."""
    import importlib.util
    import json

    spec = importlib.util.find_spec("escpos")
    if spec is None or spec.origin is None:
        return frozenset()  # nothing to check against; printing itself will say
    try:
        data = json.loads(Path(spec.origin).with_name("capabilities.json").read_text("utf-8"))
        return frozenset(data["profiles"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


OPERATIONS = ("goods", "services", "mixed")
MAX_INVOICE_TEXT = 300
"""The longest penalty, early-payment or legal-mention line: a sentence or two, as the
invoice prints it under its totals and the Factur-X XML carries it as a note."""
MAX_LEGAL_LINES = 6


def _check_invoice(settings: Settings) -> None:
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siret

    from till.core.invoice import parse_terms

    if settings.store.siret:
        try:
            siret.validate(settings.store.siret)
        except ValidationError as error:
            raise ConfigError(
                N_("[store] siret: {siret!r} is not a valid SIRET ({detail})."),
                siret=settings.store.siret,
                detail=str(error),
            ) from None
    invoice = settings.invoice
    try:
        parse_terms(invoice.payment_terms)
    except ValueError as error:
        raise ConfigError(
            N_("[invoice] payment_terms: {problem}"), problem=reason_of(error)
        ) from None
    for key in ("penalty_rate", "early_payment"):
        if len(getattr(invoice, key)) > MAX_INVOICE_TEXT:
            raise ConfigError(
                N_("[invoice] {key}: at most {most} characters."), key=key, most=MAX_INVOICE_TEXT
            )
    if len(invoice.legal_mentions) > MAX_LEGAL_LINES:
        raise ConfigError(
            N_("[invoice] legal_mentions: at most {most} lines."), most=MAX_LEGAL_LINES
        )
    if any(len(line) > MAX_INVOICE_TEXT for line in invoice.legal_mentions):
        raise ConfigError(
            N_("[invoice] {key}: at most {most} characters."),
            key="legal_mentions",
            most=MAX_INVOICE_TEXT,
        )
    if invoice.operation not in OPERATIONS:
        raise ConfigError(
            N_("[invoice] operation: must be one of {choices}, got {operation!r}."),
            choices=", ".join(OPERATIONS),
            operation=invoice.operation,
        )


def _check_display(display: DisplaySettings) -> None:
    from till.themes import AUTO, BUILTIN

    if display.theme != AUTO and display.theme not in BUILTIN:
        raise ConfigError(
            N_(
                "[display] theme: unknown theme {theme!r} (try {auto}, textual-dark, "
                "ansi-dark, or another of Textual's built-in themes)."
            ),
            theme=display.theme,
            auto=AUTO,
        )


def check_settings(settings: Settings) -> Settings:
    """``settings`` if every value is one the register can use, else a ConfigError naming the
    first bad key: for settings changed after loading (``--db``, ``--printer``)."""
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    _check_bounds(settings)
    _check_sync(settings.sync)
    loyalty = settings.loyalty
    prefix = loyalty.card_prefix
    if not (prefix.isascii() and prefix.isdigit() and len(prefix) == 2):
        raise ConfigError(
            N_("[loyalty] card_prefix: two digits such as 29, got {prefix!r}."),
            prefix=loyalty.card_prefix,
        )
    if loyalty.expiry_date:
        from till.core.loyalty import parse_month_day

        try:
            parse_month_day(loyalty.expiry_date)
        except ValueError as error:
            raise ConfigError(
                N_("[loyalty] expiry_date: {problem}."), problem=reason_of(error)
            ) from None
    pin = settings.security.manager_pin
    if pin:
        from till.core.pin import hash_problem

        problem = hash_problem(pin)
        if problem:
            raise ConfigError(N_("[security] manager_pin: {problem}."), problem=problem)
    _check_invoice(settings)
    _check_scanner(settings.scanner)
    _check_printer(settings.printer)
    _check_display(settings.display)
    if len(settings.receipt.qr) > MAX_QR_LENGTH:
        raise ConfigError(N_("[receipt] qr: at most {most} characters."), most=MAX_QR_LENGTH)
    if not settings.database.path.strip():
        raise ConfigError(N_("[database] path: names no file."))
    currency = settings.locale.currency
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise ConfigError(
            N_("[locale] currency: must be an ISO code such as EUR, got {currency!r}."),
            currency=currency,
        )
    from babel import localedata  # asks whether the locale's data exists, without loading it

    name = settings.locale.locale
    if not (name.replace("_", "").isalnum() and localedata.exists(name)):
        raise ConfigError(
            N_("[locale] locale: unknown locale {locale!r} (try fr_FR or en_GB)."),
            locale=settings.locale.locale,
        ) from None
    if settings.locale.language not in LANGUAGES:
        raise ConfigError(
            N_("[locale] language: must be one of {choices}, got {language!r}."),
            choices=", ".join(LANGUAGES),
            language=settings.locale.language,
        )
