"""Small builders for bulletin tests: real images, and issues taken through the workflow."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from app.bulletins import images, services


def image_bytes(fmt: str = "PNG", size=(60, 30), color=(180, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


def people(gen):
    return {"author": gen.gen_user("trainer"), "reviewer": gen.gen_user("trainer"),
            "admin": gen.gen_user("centre_admin")}


def draft(author, title="联机编目中心简报测试", sections=(("news", "中心动态", "本期**新闻**。"),),
          image: bytes | None = None):
    b = services.create(author, title, "Test issue")
    if image is not None:
        images.add(author, b, image, filename="fig1.png")
    for kind, t, body in sections:
        services.add_section(author, b, kind, t, body)
    return b


def published(author, publisher, when: datetime | None = None, **kw):
    b = draft(author, **kw)
    services.submit(author, b)
    return services.publish(publisher, b, now=when or datetime(2026, 3, 15, 2, 0, tzinfo=timezone.utc))
