"""``till devices``: the input devices plugged in, which look like scanners, and live scans."""

from __future__ import annotations

import dataclasses
import getpass
import json
import queue

import click

from devices.scanner.evdev_reader import DeviceSource, EvdevSource, ScannerService
from devices.scanner.inventory import InputDeviceInfo, list_input_devices
from devices.scanner.keymaps import LAYOUTS
from devices.scanner.matching import parse_match
from till.config import ScannerDevice, ScannerSettings
from till.errors import ScannerError
from till.i18n import N_, _, plural


def open_source() -> DeviceSource:
    """The kernel's input devices; a ScannerError says why they cannot be read here."""
    try:
        return EvdevSource()
    except ScannerError as error:
        raise ScannerError(
            N_("{error} Scanners can still type into the scan field (keyboard-wedge mode)."),
            error=error,
        ) from None


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
@click.pass_context
def devices(click_ctx: click.Context, as_json: bool) -> None:
    """List input devices (name, vendor:product, by-id path) to configure scanners."""
    if click_ctx.invoked_subcommand is None:
        _list(click_ctx.obj.settings().scanner, as_json)


def _list(config: ScannerSettings, as_json: bool) -> None:
    found = list_input_devices(open_source())
    if as_json:
        rows = [
            {**dataclasses.asdict(d), "vendor_product": d.vendor_product, "by_id": d.by_id}
            for d in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for device in found:
        click.echo(_describe(device, config))
    unreadable = sum(not d.readable for d in found)
    scanners = sum(bool(d.scanner_hint) for d in found)
    seen = plural(
        len(found),
        "{n} input devices, {scanners} look like scanners.",
        "{n} input devices, {scanners} look like scanners.",
        scanners=scanners,
    )
    click.echo(seen, err=True)
    if unreadable:
        cannot = _(
            "User {user} cannot read {unreadable} of them: see docs/devices.md "
            "(udev rules, group input)."
        )
        click.echo(cannot.format(user=getpass.getuser(), unreadable=unreadable), err=True)
    click.echo(
        _(
            'Configure a scanner in till.toml: [[scanner.devices]] match = "vvvv:pppp" '
            '(or the by-id path), role = "product", "loyalty" or "any".'
        ),
        err=True,
    )


def _describe(device: InputDeviceInfo, config: ScannerSettings) -> str:
    if not device.readable:
        unreadable = _("(no permission to read it)")
        return f"{device.path}  ?          {unreadable}"
    lines = [f"{device.path}  {device.vendor_product}  {device.name}"]
    if device.by_id:
        lines.append(f"    by-id    {device.by_id}")
    if device.phys:
        lines.append(f"    phys     {device.phys}")
    if device.scanner_hint:
        lines.append("    scanner  " + _("looks like one: {hint}").format(hint=device.scanner_hint))
    for n, entry in enumerate(config.devices, 1):
        resolved = device.path if entry.match in device.links else None
        fields = (device.name, device.vendor, device.product, device.path, resolved)
        if parse_match(entry.match).accepts(*fields):
            layout = entry.layout or config.layout
            configured = _("{role}, layout {layout}").format(role=entry.role, layout=layout)
            lines.append(f"    config   [[scanner.devices]] #{n}: {configured}")
    return "\n".join(lines)


@devices.command()
@click.option(
    "--layout",
    type=click.Choice(list(LAYOUTS)),
    default=None,
    help="Decode with this keyboard layout instead of the configured one.",
)
@click.option(
    "--match",
    "matches",
    multiple=True,
    help="Watch this device (name, vendor:product or by-id path) rather than the configured.",
)
@click.option("--count", type=click.IntRange(1), default=None, help="Stop after this many scans.")
@click.pass_obj
def watch(ctx, layout: str | None, matches: tuple[str, ...], count: int | None) -> None:
    """Print scans live, decoded as the register decodes them, until Ctrl+C.

    Watches the configured scanners, else every device that looks like one. Stop the
    register first: it holds its scanners and nobody else receives their keys.
    """
    source = open_source()
    config = _watched(ctx.settings().scanner, source, matches, layout)
    scans: queue.Queue[tuple[str, str, str]] = queue.Queue()
    service = ScannerService(
        config,
        lambda text, role, device: scans.put((text, role, device)),
        on_notice=lambda severity, text: click.echo(f"{text}", err=True),
        source=source,
    )
    click.echo(_("Scan something (Ctrl+C to stop)."), err=True)
    service.start()
    seen = 0
    try:
        while count is None or seen < count:
            try:
                text, role, device = scans.get(timeout=0.5)
            except queue.Empty:
                continue
            seen += 1
            length = plural(len(text), "{n} characters", "{n} characters")
            click.echo(f"{role:<8} {text}    [{device}, {length}]")
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()


def _watched(
    config: ScannerSettings, source: DeviceSource, matches: tuple[str, ...], layout: str | None
) -> ScannerSettings:
    """The scanners to watch: those named by --match, else configured, else the lookalikes."""
    for match in matches:
        try:
            parse_match(match)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--match") from None
    entries = tuple(ScannerDevice(match) for match in matches) or config.devices
    if not entries:
        lookalikes = [d for d in list_input_devices(source) if d.scanner_hint]
        entries = tuple(ScannerDevice(d.vendor_product) for d in lookalikes)
    if not entries:
        raise ScannerError(
            N_(
                "No scanner is configured and no input device looks like one: name it with "
                "--match (`till devices` lists them)."
            )
        )
    if layout:
        entries = tuple(dataclasses.replace(entry, layout=layout) for entry in entries)
    return dataclasses.replace(config, devices=entries)
