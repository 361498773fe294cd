"""`world`: a trainer and cataloguers of an active library; `make_session` builds a published session."""
from datetime import timedelta

import pytest

from app.core.types import utcnow
from app.training import services
from app.training.models import SHANGHAI


def session_values(**kw):
    """A two-day city session starting in ten days, registration open until two days before."""
    today = utcnow().astimezone(SHANGHAI).date()
    values = dict(kind="general", title_zh="中文图书编目综合培训", title_en="General cataloguing training",
                  description="**第一天**：CNMARC", mode="city", city="武汉", venue="武汉大学图书馆报告厅",
                  online_url=None, starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=11),
                  registration_closes_at=utcnow() + timedelta(days=8), capacity=None)
    values.update(kw)
    return values


@pytest.fixture
def world(gen):
    lib = gen.gen_library()
    return {"gen": gen, "lib": lib, "trainer": gen.gen_user("cataloguer", "trainer", library=lib),
            "cats": [gen.gen_user("cataloguer", library=lib) for _ in range(4)]}


@pytest.fixture
def make_session(world):
    def make(publish=True, **kw):
        s = services.create_session(world["trainer"], **session_values(**kw))
        if publish:
            services.publish(world["trainer"], s)
        return s
    return make
