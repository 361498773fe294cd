"""No request body over MAX_UPLOAD_MB is read: the client gets a 413 page, not a parsed upload."""
import io

from tests.factories import gen_library, gen_user, login


def test_a_body_over_the_limit_is_refused_before_any_form_reads_it(client, ctx):
    login(client, gen_user("cataloguer", library=gen_library()))
    big = io.BytesIO(b"9780000000002\n" * (9 * 1024 * 1024 // 14 + 1))
    resp = client.post("/billing/batch/", data={"file": (big, "isbns.txt")},
                       content_type="multipart/form-data")
    assert resp.status_code == 413
    assert "<html" in resp.get_data(as_text=True)
