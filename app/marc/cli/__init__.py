"""`flask --app wsgi marc …`: a plain click group, so that the MARC core stays free of Flask.

Each command lives in its own module of this package, which attaches it to `marc_group`.
"""
import importlib
import pkgutil

import click


@click.group("marc", help="Read, convert, validate and grade MARC files.")
def marc_group():
    pass


for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
