"""The Atom feed parses as XML, carries the feed's required elements, an entry per published
issue (never a draft), and escapes whatever the titles hold."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from .helpers import draft, people, published

A = "{http://www.w3.org/2005/Atom}"


def test_feed_is_atom_with_an_entry_per_published_issue(client, gen):
    p = people(gen)
    first = published(p["author"], p["reviewer"], datetime(2026, 5, 1, 2, tzinfo=timezone.utc),
                      title="第一期 <b>&amp; \"引号\"\x07")
    second = published(p["author"], p["admin"], datetime(2026, 6, 1, 2, tzinfo=timezone.utc),
                       title="第二期", sections=[("practice", "CNMARC 200", "200字段的**并列题名**")])
    draft(p["author"], title="草稿不出现")
    resp = client.get("/bulletins/feed.atom")
    assert resp.status_code == 200 and resp.mimetype == "application/atom+xml"
    root = ET.fromstring(resp.data)
    assert root.tag == A + "feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(A + tag) is not None, tag
    assert root.find(A + "updated").text == "2026-06-01T02:00:00Z"
    assert root.find(f"{A}link[@rel='self']").get("href") == "http://portal.test/bulletins/feed.atom"
    entries = root.findall(A + "entry")
    assert len(entries) == 2
    newest, oldest = entries
    assert newest.find(A + "title").text == "2026年第2期（总第2期） 第二期"
    assert newest.find(A + "id").text == f"http://portal.test/bulletins/issues/{second.id}"
    assert newest.find(f"{A}link[@rel='alternate']").get("href") == f"http://portal.test/bulletins/issues/{second.id}"
    assert newest.find(f"{A}link[@rel='enclosure']").get("type") == "application/pdf"
    assert "并列题名" in newest.find(A + "summary").text and "**" not in newest.find(A + "summary").text
    assert newest.find(A + "updated").text == "2026-06-01T02:00:00Z"
    assert oldest.find(A + "title").text == '2026年第1期（总第1期） 第一期 <b>&amp; "引号"'
    assert b"<b>" not in resp.data  # escaped in the XML, text again once parsed
    assert first.id != second.id


def test_empty_feed_is_still_valid(client, gen):
    root = ET.fromstring(client.get("/bulletins/feed.atom").data)
    assert root.find(A + "updated").text.endswith("Z") and root.findall(A + "entry") == []
