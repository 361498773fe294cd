"""`marc convert` and `marc show`: the I/O layer on the command line."""
from __future__ import annotations

import os
import sys
from collections import Counter

import click

from ..io import FORMATS, MarcReadError, MarcWriteError, MarcWriter, read
from ..io.mrk import record_text
from . import marc_group

EXIT_OK, EXIT_SOME_REJECTED, EXIT_UNREADABLE = 0, 1, 2


def _say(line: str) -> None:
    click.echo(line, err=True)


def _problem(name: str, where: str, message) -> None:
    _say(f"{name}: {where}: {message.en} / {message.zh}")


def _summarise_warnings(name: str, counts: Counter, examples: dict) -> None:
    for code, count in counts.items():
        m = examples[code]
        _say(f"{name}: warning ({count} records): {m.en} / {m.zh}")


def _open_input(source: str, from_format: str | None, encoding: str | None):
    try:
        return read(source, format=from_format, encoding=encoding)
    except MarcReadError as exc:
        _say(f"error: {exc.en} / {exc.zh}")
        sys.exit(EXIT_UNREADABLE)


_EXIT_HELP = """
\b
Exit status:
  0  every item of the input was converted
  1  some items were damaged or could not be written; each is reported on
     stderr (record number, byte offset or line, reason) and left out, the
     rest is converted
  2  the input cannot be read at all (missing, empty, unknown format) or an
     option is wrong; nothing is written
"""


@marc_group.command(
    "convert",
    help="Convert a MARC file: ISO 2709, MARCXML, MARC-in-JSON or MarcMaker (.mrk).\n\n"
    "The input format and character set are detected; the output format comes from --to or from "
    "OUT's extension (.mrc .xml .json .mrk). OUT may be '-' (stdout) with --to.\n" + _EXIT_HELP,
)
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT")
@click.option("--to", "to_format", type=click.Choice(FORMATS), help="Output format.")
@click.option("--from", "from_format", type=click.Choice(FORMATS), help="Input format (default: detect).")
@click.option(
    "--encoding", default="utf-8", show_default=True,
    help="Output character set: utf-8; for ISO 2709 also marc8 (needs yaz-marcdump), gb18030, gbk.",
)
@click.option(
    "--input-encoding", default=None,
    help="Input character set when detection is wrong: utf-8, marc8, gb18030, gbk, cp1251 … "
    "(ISO 2709 and .mrk only).",
)
def convert(source, target, to_format, from_format, encoding, input_encoding):
    if target != "-" and os.path.exists(target) and os.path.exists(source) and os.path.samefile(source, target):
        _say("error: IN and OUT are the same file / 输入和输出是同一个文件")
        sys.exit(EXIT_UNREADABLE)
    if target == "-" and to_format is None:
        _say("error: writing to stdout needs --to / 输出到标准输出时需要 --to")
        sys.exit(EXIT_UNREADABLE)
    results = _open_input(source, from_format, input_encoding)
    out = sys.stdout.buffer if target == "-" else target
    try:
        writer = MarcWriter(out, to_format, encoding)
    except (MarcWriteError, OSError) as exc:
        text = f"{exc.en} / {exc.zh}" if isinstance(exc, MarcWriteError) else str(exc)
        _say(f"error: {text}")
        sys.exit(EXIT_UNREADABLE)
    rejected = 0
    warn_counts: Counter = Counter()
    warn_examples: dict = {}
    try:
        with writer:
            for result in results:
                for w in result.warnings:
                    warn_counts[w.code] += 1
                    warn_examples.setdefault(w.code, w)
                if result.error is not None:
                    rejected += 1
                    _problem(source, result.where(), result.error)
                    continue
                try:
                    writer.write(result.record)
                except MarcWriteError as exc:
                    rejected += 1
                    _problem(source, result.where(), exc.message)
    except MarcWriteError as exc:  # MARC-8 conversion happens when the writer closes
        _say(f"error: {exc.en} / {exc.zh}")
        sys.exit(EXIT_UNREADABLE)
    _summarise_warnings(source, warn_counts, warn_examples)
    _say(f"{source}: {writer.count} records written to {target}, {rejected} left out"
         f" / 写出 {writer.count} 条，舍弃 {rejected} 条")
    sys.exit(EXIT_SOME_REJECTED if rejected else EXIT_OK)


@marc_group.command(
    "show",
    help="Print every record of a MARC file as MarcMaker text (.mrk lines); damaged records are "
    "reported on stderr, one line each.\n" + _EXIT_HELP.replace("converted", "shown"),
)
@click.argument("source", metavar="FILE")
@click.option("--from", "from_format", type=click.Choice(FORMATS), help="Input format (default: detect).")
@click.option("--encoding", "input_encoding", default=None, help="Input character set (default: detect).")
def show(source, from_format, input_encoding):
    results = _open_input(source, from_format, input_encoding)
    rejected = 0
    first = True
    for result in results:
        if result.error is not None:
            rejected += 1
            _problem(source, result.where(), result.error)
            continue
        try:
            text = record_text(result.record, newline="\n")
        except MarcWriteError as exc:
            rejected += 1
            _problem(source, result.where(), exc.message)
            continue
        if not first:
            click.echo("")
        click.echo(text, nl=False)
        first = False
    sys.exit(EXIT_SOME_REJECTED if rejected else EXIT_OK)
