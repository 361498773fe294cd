"""A MARC task shows images of the item (its title page): uploaded by an author, checked by their
bytes, shown in the candidate's paper and served only to those who may see the question."""
import re

from sqlalchemy import select

from app.certification.attempt_models import Attempt
from app.extensions import db
from app.questions import assets
from app.questions.models import QuestionVersion
from tests.factories import gen_library, gen_user, login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_image_in_a_task_reaches_its_candidate_and_nobody_else(client, exam):
    author = exam["gen"].gen_user("cataloguer", "trainer", library=gen_library())
    login(client, exam["cand"])
    client.post(f"/exams/registrations/{exam['reg'].id}/start/B")
    attempt = db.session.scalar(select(Attempt))
    item = attempt.items[0]
    q = item.version.question
    asset = assets.add(author, q, PNG, "title page.png")
    assert asset.name == "title-page.png" and asset.mime == "image/png"
    # The version the candidate drew refers to it (in a real bank the reference comes with a new
    # version; written straight into the drawn content here to keep the test short).
    v = db.session.get(QuestionVersion, item.question_version_id)
    v.content = dict(v.content, description=v.content["description"] + "\n\n![题名页](image:title-page.png)")
    db.session.commit()
    page = client.get(f"/exams/attempts/{attempt.id}?q={item.position}").get_data(as_text=True)
    src = re.search(r'<img src="([^"]+title-page\.png)"', page).group(1)
    image = client.get(src)
    assert image.status_code == 200 and image.data == PNG
    assert image.headers["Content-Type"] == "image/png" and image.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/account/logout")
    login(client, gen_user("cataloguer", library=gen_library()))  # sat nothing, practises nothing
    assert client.get(src).status_code == 404
    client.post("/account/logout")
    login(client, author)
    assert client.get(src).status_code == 200


def test_only_real_images_are_accepted_and_never_replaced(ctx, gen):
    from app.core.errors import DomainError, PermissionDenied
    from app.questions import bankfiles
    from app.questions.services import import_specs

    import_specs(None, [s for s in bankfiles.load_bank() if s.code == "cn-orig-01"])
    q = db.session.scalar(select(QuestionVersion)).question
    author = gen_user("cataloguer", "trainer", library=gen_library())
    for bad in (b"<svg onload=alert(1)></svg>", b"<html><script>", b"", PNG + b"\x00" * (2 * 1024 * 1024)):
        try:
            assets.add(author, q, bad, "x.png")
        except DomainError as e:
            assert e.field == "file"
        else:
            raise AssertionError("accepted a file that is not an acceptable image")
    assets.add(author, q, PNG, "p.png")
    assert assets.add(author, q, PNG, "p.png").name == "p.png"  # the same bytes again: nothing new
    try:
        assets.add(author, q, PNG + b"1", "p.png")
    except DomainError as e:
        assert e.field == "name"
    else:
        raise AssertionError("replaced an image in place")
    try:
        assets.add(gen_user("cataloguer", library=gen_library()), q, PNG, "c.png")
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a cataloguer added an image to the bank")
