"""The training pages: roles checked on the server, form errors next to their fields, Markdown
rendered inert, and the whole flow from announcing a session to downloading the certificate."""
from datetime import timedelta
from html.parser import HTMLParser

from sqlalchemy import select

from app.core.types import utcnow
from app.extensions import db
from app.training import services
from app.training.models import SHANGHAI, TrainingRegistration, TrainingSession

XSS = "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(2)>"


def _form(**kw):
    today = utcnow().astimezone(SHANGHAI).date()
    data = {"kind": "general", "title_zh": "综合培训", "title_en": "General training", "description": "",
            "mode": "city", "city": "南京", "venue": "", "online_url": "",
            "starts_on": (today + timedelta(days=10)).isoformat(), "ends_on": (today + timedelta(days=11)).isoformat(),
            "registration_closes_at": (today + timedelta(days=8)).isoformat() + "T17:00", "capacity": ""}
    data.update(kw)
    return data


def test_a_cataloguer_cannot_manage_sessions(client, world, make_session):
    s = make_session()
    reg = services.register(world["cats"][1], s)
    gen = world["gen"]
    gen.login(client, world["cats"][0])
    assert client.get("/training/sessions/new").status_code == 403
    assert client.post("/training/sessions/new", data=_form()).status_code == 403
    assert client.post(f"/training/sessions/{s.id}/attendance", data={f"attended-{reg.id}": "yes"}).status_code == 403
    assert client.post(f"/training/sessions/{s.id}/certificates").status_code == 403
    assert client.post(f"/training/sessions/{s.id}/cancel", data={"reason": "x"}).status_code == 403
    assert client.get(f"/training/sessions/{s.id}/attendees.csv").status_code == 403
    assert client.get("/training/statistics").status_code == 403
    # someone else's registration cannot be cancelled
    assert client.post(f"/training/registrations/{reg.id}/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(TrainingRegistration, reg.id).status == "registered"
    assert db.session.scalar(select(db.func.count(TrainingSession.id))) == 1


def test_drafts_are_hidden_from_the_public(client, world, make_session):
    s = make_session(publish=False, title_zh="尚未发布的培训")
    assert client.get(f"/training/sessions/{s.id}").status_code == 404
    assert "尚未发布的培训" not in client.get("/training/").get_data(as_text=True)
    world["gen"].login(client, world["trainer"])
    assert client.get(f"/training/sessions/{s.id}").status_code == 200
    assert "尚未发布的培训" in client.get("/training/").get_data(as_text=True)


def test_the_form_shows_errors_next_to_the_fields(client, world):
    world["gen"].login(client, world["trainer"])
    today = utcnow().astimezone(SHANGHAI).date()
    resp = client.post("/training/sessions/new", data=_form(title_en="", starts_on="not a date"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'id="title_en-err"' in html and 'id="starts_on-err"' in html
    # a rule of the service (the last day before the first) lands on its field too
    resp = client.post("/training/sessions/new", data=_form(ends_on=(today + timedelta(days=5)).isoformat()))
    assert 'id="ends_on-err"' in resp.get_data(as_text=True)
    resp = client.post("/training/sessions/new", data=_form(mode="online", online_url="javascript:alert(1)"))
    assert 'id="online_url-err"' in resp.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(TrainingSession.id))) == 0


class _Elements(HTMLParser):
    """Every element of a page with its attributes, and the text inside <script> elements."""

    def __init__(self):
        super().__init__()
        self.elements, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_a_hostile_description_is_rendered_inert(client, world, make_session):
    s = make_session(description=XSS, title_zh="<b>标题</b>")
    html = client.get(f"/training/sessions/{s.id}").get_data(as_text=True)
    page = _Elements()
    page.feed(html)
    assert not any("alert" in text for text in page.scripts)
    for tag, attrs in page.elements:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), (tag, attrs)
        assert not (tag == "script" and not attrs.get("src")), "an inline script"
    assert "<b>标题</b>" not in html and "&lt;b&gt;标题&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html or "alert(1)" not in html  # shown as text, if at all


def test_the_whole_flow_through_the_pages(client, world):
    gen, trainer, cat = world["gen"], world["trainer"], world["cats"][0]
    gen.login(client, trainer)
    resp = client.post("/training/sessions/new", data=_form(description="**CNMARC** 实践", capacity="20"))
    assert resp.status_code == 302
    s = db.session.scalar(select(TrainingSession))
    assert s.status == "draft" and s.capacity == 20
    # typed in Beijing time, stored in UTC
    assert s.registration_closes_at.astimezone(SHANGHAI).hour == 17
    edit = client.get(f"/training/sessions/{s.id}/edit").get_data(as_text=True)
    assert "T17:00" in edit and "综合培训" in edit
    assert client.post(f"/training/sessions/{s.id}/publish").status_code == 302
    client.post("/account/logout")

    gen.login(client, cat)
    page = client.get(f"/training/sessions/{s.id}").get_data(as_text=True)
    assert "<strong>CNMARC</strong>" in page
    assert client.post(f"/training/sessions/{s.id}/register").status_code == 302
    db.session.expire_all()
    reg = services.own_registration(cat, db.session.get(TrainingSession, s.id))
    assert reg.status == "registered"
    client.post("/account/logout")

    # the session has begun: move it into the past, as a trainer would record it afterwards
    s = db.session.get(TrainingSession, s.id)
    s.starts_on = s.ends_on = utcnow().astimezone(SHANGHAI).date() - timedelta(days=1)
    s.registration_closes_at = utcnow() - timedelta(days=2)
    db.session.commit()
    gen.login(client, trainer)
    page = client.get(f"/training/sessions/{s.id}/registrations").get_data(as_text=True)
    assert cat.name in page and f'name="attended-{reg.id}"' in page
    assert client.post(f"/training/sessions/{s.id}/attendance", data={f"attended-{reg.id}": "yes"}).status_code == 302
    assert client.post(f"/training/sessions/{s.id}/certificates").status_code == 302
    csv_text = client.get(f"/training/sessions/{s.id}/attendees.csv").get_data(as_text=True)
    assert cat.email in csv_text and "PX-" in csv_text
    stats = client.get("/training/statistics").get_data(as_text=True)
    assert world["lib"].region.name_zh in stats
    client.post("/account/logout")

    gen.login(client, cat)
    mine = client.get("/training/mine").get_data(as_text=True)
    assert "PX-" in mine
    db.session.expire_all()
    from app.certification.models import TrainingCertificate

    cert = db.session.scalar(select(TrainingCertificate).where(TrainingCertificate.user_id == cat.id))
    pdf = client.get(f"/training/certificates/{cert.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    client.post("/account/logout")
    gen.login(client, world["cats"][1])
    assert client.get(f"/training/certificates/{cert.id}.pdf").status_code == 403


def test_cancelling_a_session_needs_a_reason(client, world, make_session):
    s = make_session()
    services.register(world["cats"][0], s)
    world["gen"].login(client, world["trainer"])
    resp = client.post(f"/training/sessions/{s.id}/cancel", data={"reason": ""})
    assert resp.status_code == 200 and 'id="reason-err"' in resp.get_data(as_text=True)
    assert client.post(f"/training/sessions/{s.id}/cancel", data={"reason": "场地不可用"}).status_code == 302
    (msg,) = world["gen"].outbox(world["cats"][0].email)
    assert "场地不可用" in msg.body
    assert "场地不可用" in client.get(f"/training/sessions/{s.id}").get_data(as_text=True)
