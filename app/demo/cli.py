"""`flask --app wsgi demo seed`: a believable centre for trying the portal. Safe to run again."""
import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts import roles
from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.core.types import utcnow
from app.extensions import db
from app.members.models import (STATUS_ACTIVE, Agreement, AgreementAcceptance, Centre, Library,
                                Region)

from . import data
from .exams import seed_exams


def _get_or_add(model, lookup: dict, **values):
    obj = db.session.scalar(select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def seed() -> dict:
    counts = {"regions": 0, "libraries": 0, "users": 0}
    centres = {}
    regions = {}
    for code, zh, en, (ccode, czh, cen), provincial in data.REGIONS:
        region = _get_or_add(Region, {"code": code}, name_zh=zh, name_en=en)
        regions[code] = region
        centres[ccode] = _get_or_add(Centre, {"code": ccode}, kind="regional", name_zh=czh, name_en=cen, region=region)
        for pcode, pzh, pen in provincial:
            centres[pcode] = _get_or_add(Centre, {"code": pcode}, kind="provincial", name_zh=pzh, name_en=pen,
                                         region=region)
    counts["regions"] = len(regions)
    agreements = [
        _get_or_add(Agreement, {"kind": kind, "version": version}, title_zh=tzh, title_en=ten,
                    effective_from=eff, body=body)
        for kind, version, tzh, ten, eff, body in data.AGREEMENTS
    ]
    libs = {}
    for code, zh, en, type_, rcode, ccode, upload in data.LIBRARIES:
        lib = db.session.scalar(select(Library).where(Library.code == code))
        if lib is None:
            lib = Library(code=code, name_zh=zh, name_en=en, type=type_, region=regions[rcode],
                          centre=centres.get(ccode), contact_name="编目部", contact_email=f"catalog@{code.lower()}.example.cn",
                          address=f"{zh}编目部", status=STATUS_ACTIVE, upload_right=upload,
                          submitted_at=utcnow(), opened_at=utcnow())
            db.session.add(lib)
            db.session.flush()
            for agreement in agreements:
                db.session.add(AgreementAcceptance(library=lib, agreement=agreement, accepted_by_name="编目部主任"))
            counts["libraries"] += 1
        libs[code] = lib
    for status, zh, en, type_, rcode, ccode in data.APPLICATIONS:
        if db.session.scalar(select(Library).where(Library.name_zh == zh)) is None:
            lib = Library(name_zh=zh, name_en=en, type=type_, region=regions[rcode], centre=centres.get(ccode),
                          contact_name="编目部", contact_email=f"apply-{secrets.token_hex(3)}@example.cn",
                          status=status, application_nonce=secrets.token_hex(16))
            if status != "registered":
                for agreement in agreements:
                    db.session.add(AgreementAcceptance(library=lib, agreement=agreement, accepted_by_name="申请人"))
            if status == "submitted":
                lib.address, lib.contact_phone, lib.submitted_at = f"{zh}编目部", "027-00000000", utcnow()
            db.session.add(lib)
    for email, name, code, grants in data.USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, library=libs.get(code), password_hash=hash_password(data.DEMO_PASSWORD),
                        activated_at=utcnow(), security_stamp=secrets.token_hex(16), locale="zh_CN")
            db.session.add(user)
            db.session.flush()
            counts["users"] += 1
        for role, scope, level in grants:
            roles.grant(None, user, role, reason="演示数据 / demo data", scope=scope, level=level, commit=False)
    db.session.commit()
    return counts


def _load_question_bank() -> int:
    """The shipped question_bank/, as `questions import` loads it: unchanged items are left alone."""
    from app.questions.bankfiles import BANK_DIR
    from app.questions.services import import_file

    result = import_file(None, str(BANK_DIR), "bank")
    return len(result.added) + len(result.new_versions)


@click.group("demo", help="Demonstration data.")
def demo_group():
    pass


@demo_group.command("seed")
@click.option("--once", is_flag=True, help="Do nothing if the database already holds any library.")
@with_appcontext
def seed_cmd(once):
    """Create the demo centre (regions, centres, ~30 libraries, a user per role). Idempotent."""
    if once and db.session.scalar(select(Library.id).limit(1)) is not None:
        click.echo("demo data: the database already holds libraries; nothing done")
        return
    counts = seed()
    click.echo("demo data: {regions} regions; {libraries} libraries and {users} users added".format(**counts))
    click.echo(f"demo data: {_load_question_bank()} questions or new versions loaded from question_bank/")
    click.echo("demo exams: {rounds} rounds and {registrations} registrations added".format(**seed_exams()))
    from app.training.demo import seed_training

    click.echo("demo training: {sessions} sessions and {certificates} certificates added".format(**seed_training()))
    from app.bulletins.demo import seed_bulletins

    click.echo("demo bulletins: {bulletins} issues added".format(**seed_bulletins()))
    from app.consult.demo import seed_consult

    click.echo("demo consultation desk: {roster} roster cells, {questions} questions, {faq} FAQ entries added"
               .format(**seed_consult()))
    from app.forum.demo import seed_forum

    click.echo("demo forum: {boards} boards and {topics} topics added".format(**seed_forum()))
    from app.billing.demo import seed_billing

    click.echo("demo billing: {schedules} fee schedules; {uploads} uploads and {charges} charges posted"
               .format(**seed_billing()))
    click.echo(f"demo logins use the password {data.DEMO_PASSWORD}")
