"""The public OPAC and copy cataloguing: search, record pages, exports, the basket, downloads, holdings.

Anyone searches, reads brief and detailed displays, cites and exports text. The MARC view is for
signed-in members (the server leaves the MARC out of the page for everyone else). Downloading MARC
and adding holdings are for cataloguers of active member libraries (app.catalog.downloads,
app.catalog.services.add_holding check it again).

A regional centre's view (/catalog/centre/<region code>) is the same catalogue with the holdings,
the library and region facets, and the holdings of record pages reached from it limited to the
region's libraries.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.catalog import basket, citation, downloads, services
from app.catalog.forms import (DATABASE_LABELS, MATERIAL_LABELS, BasketForm, DownloadForm, HoldingForm,
                               SearchForm)
from app.catalog.indexing import from_json
from app.catalog.languages import language_name
from app.catalog.models import Holding, Record
from app.catalog.search import FACETS, QueryError, Term, backend
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.forms import show_error
from app.core.web import _localized
from app.extensions import db
from app.marc import display
from app.members.models import Library, Region
from app.permissions import CATALOGUER, MARC_VIEW, require

from . import queryform

bp = Blueprint("catalog", __name__, url_prefix="/catalog")

# What the public catalogue shows: released bibliographic records. Records under review, rejected,
# merged or deleted are not found (404) by the public.
PUBLIC = sa.and_(Record.status == "active", Record.kind == "bibliographic")
TABS = ("brief", "detailed", "marc")
FACET_LABELS = {"database": _l("Database"), "language": _l("Language"), "material": _l("Material"), "year": _l("Year"),
                "library": _l("Holding library"), "region": _l("Region")}
STYLE_LABELS = {"citation": _l("Citation (GB/T 7714)"), "simple": _l("Simple text"), "detailed": _l("Detailed text")}


@dataclass
class Pager:
    """What the pager macro needs, for a search result."""

    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass
class Item:
    row: Record
    brief: str
    holdings: int


def _lang() -> str:
    return str(get_locale() or "zh_CN")


def _region(code: str) -> Region:
    region = db.session.scalar(sa.select(Region).where(Region.code == code.upper()))
    if region is None:
        raise NotFound(_l("No such region."))
    return region


def _record_url(record_id: int, region: Region | None, **kw) -> str:
    if region is not None:
        return url_for("catalog.centre_record", region_code=region.code, record_id=record_id, **kw)
    return url_for("catalog.record", record_id=record_id, **kw)


def _safe_next(target: str | None, fallback: str) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


# --- search -------------------------------------------------------------------------------------------
@bp.get("/")
def search():
    return _search_page(None)


@bp.get("/centre/<region_code>")
def centre_search(region_code):
    return _search_page(_region(region_code))


def _search_page(region: Region | None):
    args = request.args
    form = SearchForm(args)
    extra = [Term("region", region.code)] if region is not None and args.get("held") == "1" else []
    parsed = queryform.parse(args, extra)
    form.sort.data = parsed.sort
    form.per_page.data = str(parsed.per_page)
    problems = []
    for name, message in parsed.errors.items():
        target = getattr(form, name, None)
        if target is not None and name not in ("csrf_token",):
            target.errors = [message]
        else:
            problems.append(message)
    result = items = pager = None
    facets = []
    status = 200
    if parsed.has_criteria and parsed.ok:
        wanted = FACETS if region is None else tuple(f for f in FACETS if f not in ("library", "region"))
        try:
            result = backend().search(parsed.node, page=parsed.page, per_page=parsed.per_page, sort=parsed.sort,
                                      facets=wanted, base_filter=PUBLIC)
        except QueryError as err:
            problems.append(str(_l("This search cannot be run: %(reason)s", reason=str(err))))
            status = 400
        else:
            if region is not None and result.total:
                result.facets.update(_region_facets(parsed.node, region))
            items = _page_items(result.ids, region)
            pager = Pager(result.page, result.pages, result.total)
            facets = _facet_links(result.facets, parsed)
    elif not parsed.ok:
        status = 400
    return render_template("catalog/search.html", form=form, parsed=parsed, problems=problems, result=result,
                           items=items, pagination=pager, facets=facets, region=region,
                           active=_active_filters(parsed, region), sort_links=_sort_links(parsed),
                           basket_form=BasketForm(), basket_count=basket.count(),
                           held_only=args.get("held") == "1", record_url=_record_url,
                           whole_url=_url_with("catalog.search") if region is not None else None,
                           database_labels=DATABASE_LABELS, material_labels=MATERIAL_LABELS), status


def _page_items(ids: list[int], region: Region | None) -> list[Item]:
    """The page's records in one query and their holding counts in another (never one per row)."""
    if not ids:
        return []
    rows = {r.id: r for r in db.session.scalars(sa.select(Record).where(Record.id.in_(ids)))}
    q = (sa.select(Holding.record_id, sa.func.count(sa.distinct(Holding.library_id)))
         .where(Holding.record_id.in_(ids)).group_by(Holding.record_id))
    if region is not None:
        q = q.join(Library, Library.id == Holding.library_id).where(Library.region_id == region.id)
    counts = dict(db.session.execute(q).all())
    out = []
    for rid in ids:
        row = rows.get(rid)
        if row is None:
            continue
        try:
            line = display.brief(from_json(row.marc))
        except Exception:  # a damaged stored record must not take the whole result page down
            line = row.title
        out.append(Item(row, line, counts.get(rid, 0)))
    return out


def _region_facets(node, region: Region) -> dict:
    """The library and region facets of a centre's view: its own libraries only."""
    where = sa.and_(backend().condition(node) if node is not None else sa.true(), PUBLIC)
    matched = sa.select(Record.id).where(where).scalar_subquery()
    n = sa.func.count(sa.distinct(Holding.record_id))
    libraries = db.session.execute(
        sa.select(Library.code, n).join(Holding, Holding.library_id == Library.id)
        .where(Holding.record_id.in_(matched), Library.region_id == region.id)
        .group_by(Library.code).order_by(n.desc(), Library.code).limit(15)).all()
    held = db.session.scalar(
        sa.select(n).join(Library, Library.id == Holding.library_id)
        .where(Holding.record_id.in_(matched), Library.region_id == region.id))
    return {"library": [(str(c), k) for c, k in libraries], "region": [(region.code, held)] if held else []}


def _facet_links(facets: dict, parsed) -> list:
    """[(name, heading, [(label, count, url, active)])], library and region names in one query each."""
    codes = {name: [v for v, _ in facets.get(name, [])] for name in ("library", "region")}
    libraries = {lib.code: lib for lib in db.session.scalars(
        sa.select(Library).where(Library.code.in_(codes["library"])))} if codes["library"] else {}
    regions = {r.code: r for r in db.session.scalars(
        sa.select(Region).where(Region.code.in_(codes["region"])))} if codes["region"] else {}
    out = []
    for name in FACETS:
        values = facets.get(name) or []
        if not values:
            continue
        entries = []
        for value, count in values:
            if name == "database":
                label = DATABASE_LABELS.get(value, value)
            elif name == "material":
                label = MATERIAL_LABELS.get(value, value)
            elif name == "language":
                label = language_name(value, get_locale())
            elif name == "library":
                label = _localized(libraries[value], "name") if value in libraries else value
            elif name == "region":
                label = _localized(regions[value], "name") if value in regions else value
            else:
                label = value
            active = parsed.filters.get(name) == value
            entries.append((label, count, _url_with(**{name: value}), active))
        out.append((name, FACET_LABELS[name], entries))
    return out


def _query_args() -> dict:
    """The request's query, minus anything url_for would read as an instruction (_external, _scheme…)
    or that would clash with the page's own path arguments."""
    view_args = request.view_args or {}
    return {k: v for k, v in request.args.to_dict().items() if not k.startswith("_") and k not in view_args}


def _url_with(endpoint: str | None = None, **changes) -> str:
    args = _query_args()
    args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    if endpoint is None:
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    args.pop("held", None)
    return url_for(endpoint, **args)


def _active_filters(parsed, region) -> list:
    labels = {"database": lambda v: DATABASE_LABELS.get(v, v), "material": lambda v: MATERIAL_LABELS.get(v, v),
              "language": lambda v: language_name(v, get_locale())}
    names = {"database": _l("Database"), "language": _l("Language"), "material": _l("Material"), "year": _l("Year"),
             "year_from": _l("From"), "year_to": _l("Until"), "library": _l("Holding library"),
             "region": _l("Region")}
    out = []
    for name, value in parsed.filters.items():
        out.append((names[name], labels.get(name, str)(value), _url_with(**{name: None})))
    if region is not None and request.args.get("held") == "1":
        out.append((_l("Held in"), _localized(region, "name"), _url_with(held=None)))
    return out


def _sort_links(parsed) -> list:
    from .queryform import SORT_LABELS

    sorts = ("relevance", "date", "title") if parsed.has_text else ("date", "title")
    return [(SORT_LABELS[s], _url_with(sort=s), s == parsed.sort) for s in sorts]


# --- record page ----------------------------------------------------------------------------------------
@bp.get("/record/<int:record_id>")
def record(record_id):
    return _record_page(record_id, None)


@bp.get("/centre/<region_code>/record/<int:record_id>")
def centre_record(region_code, record_id):
    return _record_page(record_id, _region(region_code))


def _public_record(record_id: int) -> Record:
    row = services.get_record(record_id)  # active only: records under review are not found
    if row.kind != "bibliographic":
        raise NotFound(_l("No such record."))
    return row


def _record_page(record_id: int, region: Region | None, download_form=None, holding_form=None, status=200):
    row = _public_record(record_id)
    marc = services.marc_of(row)
    tab = request.args.get("tab")
    if tab not in TABS:
        tab = "detailed"
    zh = _lang().startswith("zh")
    can_marc = MARC_VIEW(current_user)
    cataloguer = CATALOGUER(current_user)
    holdings = _holdings(row, region)
    libraries_holding = {h.library_id for h, _, _ in holdings}
    if download_form is None:
        download_form = DownloadForm(formdata=None, format="iso2709",
                                     encoding="utf-8")
    if holding_form is None:
        holding_form = HoldingForm(formdata=None, copies=1, library_id=getattr(current_user, "library_id", "") or "")
    return render_template(
        "catalog/record.html", row=row, tab=tab, region=region,
        brief=display.brief(marc),
        detailed=[(lz if zh else le, text) for lz, le, text in display.detailed(marc)],
        marc_text=display.marc_view(marc) if tab == "marc" and can_marc else None,
        can_marc=can_marc, links=_links(marc), cite=citation.citation(marc, row.material, row.year),
        holdings=_group_holdings(holdings), holding_libraries=len(libraries_holding),
        own_holds=cataloguer and current_user.library_id in libraries_holding,
        cataloguer=cataloguer, download_form=download_form, holding_form=holding_form,
        basket_form=BasketForm(formdata=None), in_basket=basket.contains(row.id), basket_count=basket.count(),
        yearly=downloads.yearly_count(current_user.library) if cataloguer else None,
        year=downloads.beijing_year(), styles=STYLE_LABELS, record_url=_record_url,
        database_labels=DATABASE_LABELS, material_labels=MATERIAL_LABELS,
    ), status


def _holdings(row: Record, region: Region | None):
    q = (sa.select(Holding, Library, Region).join(Library, Library.id == Holding.library_id)
         .join(Region, Region.id == Library.region_id).where(Holding.record_id == row.id)
         .order_by(Region.code, Library.code, Holding.call_number, Holding.id))
    if region is not None:
        q = q.where(Library.region_id == region.id)
    return db.session.execute(q).all()


def _group_holdings(holdings) -> list:
    """[(region, [(library, [holding…])…])] in region then library order."""
    out = []
    for region, by_region in groupby(holdings, key=lambda t: t[2].id):
        by_region = list(by_region)
        libs = []
        for _, by_lib in groupby(by_region, key=lambda t: t[1].id):
            by_lib = list(by_lib)
            libs.append((by_lib[0][1], [h for h, _, _ in by_lib]))
        out.append((by_region[0][2], libs))
    return out


def _links(marc) -> list:
    """856 electronic locations: (url, label, is_web_link). Only http(s) addresses become links."""
    out = []
    for f in marc.get_fields("856"):
        if f.is_control_field():
            continue
        label = " ".join(s.value.strip() for s in f.subfields if s.code in "3yz" and s.value and s.value.strip())
        for s in f.subfields:
            if s.code == "u" and s.value and s.value.strip():
                url = s.value.strip()
                out.append((url, label, citation.safe_url(url)))
    return out


# --- exports: everyone ------------------------------------------------------------------------------
def _text_response(text: str, name: str) -> Response:
    resp = Response(text, mimetype="text/plain")
    resp.charset = "utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


def _style() -> str:
    style = request.args.get("style") or "citation"
    if style not in citation.STYLES:
        abort(404)
    return style


@bp.get("/record/<int:record_id>/export")
def export(record_id):
    style = _style()
    row = _public_record(record_id)
    text = citation.export([(row.id, services.marc_of(row), row.material, row.year)], style, _lang())
    return _text_response(text, f"bianmu-{row.id}-{style}.txt")


# --- holdings and downloads: cataloguers of member libraries ---------------------------------------
def _file(data: bytes, name: str, fmt: str, encoding: str):
    resp = Response(data, headers={"Content-Type": downloads.mimetype(fmt, encoding),
                                   "Content-Disposition": f"attachment; filename={name}",
                                   "Cache-Control": "no-store"})
    return resp


@bp.post("/record/<int:record_id>/download")
@login_required
def download_record(record_id):
    require(CATALOGUER, current_user, message=str(_l("Downloading records is for cataloguers of member libraries.")))
    row = _public_record(record_id)
    form = DownloadForm()
    if form.validate_on_submit():
        try:
            data, name = downloads.download(current_user, [row.id], form.format.data, form.encoding.data)
        except (PermissionDenied, NotFound):
            raise
        except DomainError as err:
            show_error(form, err)
        else:
            return _file(data, name, form.format.data, form.encoding.data)
    return _record_page(record_id, None, download_form=form, status=400)


@bp.post("/record/<int:record_id>/holdings")
@login_required
def add_holding(record_id):
    require(CATALOGUER, current_user, message=str(_l("Holdings are added by cataloguers of member libraries.")))
    row = _public_record(record_id)
    form = HoldingForm()
    if form.validate_on_submit():
        library = current_user.library
        if form.library_id.data and str(form.library_id.data) != str(current_user.library_id):
            try:
                library = db.session.get(Library, int(form.library_id.data))
            except (TypeError, ValueError):
                library = None
            if library is None:
                abort(404)
        try:
            services.add_holding(current_user, row, library, form.call_number.data, form.copies.data,
                                 form.note.data, commit=True)
        except (PermissionDenied, NotFound):
            raise
        except DomainError as err:
            show_error(form, err)
        else:
            flash(_l("Your library's holding has been recorded."), "success")
            return redirect(_record_url(row.id, None) + "#holdings")
    return _record_page(record_id, None, holding_form=form, status=400)


# --- the basket ---------------------------------------------------------------------------------------
def _basket_rows() -> list[Record]:
    ids = basket.ids()
    if not ids:
        return []
    found = {r.id: r for r in db.session.scalars(sa.select(Record).where(Record.id.in_(ids), PUBLIC))}
    basket.keep_only(found)
    return [found[i] for i in ids if i in found]


def _basket_page(form=None, status=200):
    rows = _basket_rows()
    items = _page_items([r.id for r in rows], None)
    cataloguer = CATALOGUER(current_user)
    return render_template(
        "catalog/basket.html", items=items, basket_form=BasketForm(formdata=None),
        download_form=form or DownloadForm(formdata=None, format="iso2709", encoding="utf-8"),
        cataloguer=cataloguer, yearly=downloads.yearly_count(current_user.library) if cataloguer else None,
        year=downloads.beijing_year(), styles=STYLE_LABELS, limit=basket.MAX_ITEMS, record_url=_record_url,
        database_labels=DATABASE_LABELS, material_labels=MATERIAL_LABELS,
    ), status


@bp.get("/basket")
def basket_page():
    return _basket_page()


def _posted_ids() -> list[int]:
    out = []
    for value in request.form.getlist("record_id"):
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


@bp.post("/basket/add")
def basket_add():
    form = BasketForm()
    back = _safe_next(form.next.data, url_for("catalog.basket_page"))
    ids = _posted_ids()[: basket.MAX_ITEMS]
    if not form.validate_on_submit() or not ids:
        flash(_l("Choose the records to put in the basket."), "error")
        return redirect(back)
    public = set(db.session.scalars(sa.select(Record.id).where(Record.id.in_(ids), PUBLIC)))
    added, refused = basket.add([i for i in ids if i in public])
    if refused:
        flash(_l("The basket holds at most %(n)d records; %(r)d were not added.", n=basket.MAX_ITEMS, r=refused),
              "error")
    elif added:
        flash(_l("%(n)d record(s) added to the basket.", n=added), "success")
    else:
        flash(_l("Those records are already in the basket."), "info")
    return redirect(back)


@bp.post("/basket/remove")
def basket_remove():
    form = BasketForm()
    if form.validate_on_submit() and basket.remove(_posted_ids()):
        flash(_l("Removed from the basket."), "success")
    return redirect(_safe_next(form.next.data, url_for("catalog.basket_page")))


@bp.post("/basket/clear")
def basket_clear():
    if BasketForm().validate_on_submit():
        basket.clear()
        flash(_l("The basket is empty now."), "success")
    return redirect(url_for("catalog.basket_page"))


@bp.get("/basket/export")
def basket_export():
    style = _style()
    rows = _basket_rows()
    if not rows:
        flash(_l("The basket is empty."), "info")
        return redirect(url_for("catalog.basket_page"))
    text = citation.export([(r.id, from_json(r.marc), r.material, r.year) for r in rows], style, _lang())
    return _text_response(text, f"bianmu-basket-{style}.txt")


@bp.post("/basket/download")
@login_required
def basket_download():
    require(CATALOGUER, current_user, message=str(_l("Downloading records is for cataloguers of member libraries.")))
    form = DownloadForm()
    if form.validate_on_submit():
        rows = _basket_rows()
        try:
            if not rows:
                raise DomainError(_l("The basket is empty."))
            data, name = downloads.download(current_user, [r.id for r in rows], form.format.data, form.encoding.data)
        except PermissionDenied:
            raise
        except DomainError as err:
            show_error(form, err)
        else:
            return _file(data, name, form.format.data, form.encoding.data)
    return _basket_page(form, status=400)
