"""People and a roster for the desk's tests."""
from __future__ import annotations

from datetime import date

from app.consult import routing, services
from app.consult.workdays import week_start

MARC = "\n".join([
    "=LDR  00000nam0 2200000   450 ",
    "=200  1\\$a多卷书测试$h第1卷",
    "=461  \\0$12001\\$a中国陶瓷全集$v1",
])


def people(gen):
    lib, other = gen.gen_library(), gen.gen_library()
    return {
        "lib": lib,
        "asker": gen.gen_user("cataloguer", library=lib, name="提问人甲"),
        "colleague": gen.gen_user("cataloguer", library=lib),
        "stranger": gen.gen_user("cataloguer", library=other),
        "duty": gen.gen_user("cataloguer", ("expert", "consultation"), library=other, name="值班专家"),
        "sub": gen.gen_user(("expert", "quality"), name="替班专家"),
        "lead": gen.gen_user(("expert", "consultation"), name="组长"),
        "admin": gen.gen_user("centre_admin"),
        "trainer": gen.gen_user("cataloguer", "trainer", library=lib),
    }


def rota(p, category="cnmarc", day: date | None = None, substitute=True, lead=True):
    day = day or routing.today()
    routing.set_week(p["admin"], week_start(day), {category: {
        "duty": p["duty"].id, "substitute": p["sub"].id if substitute else None,
        "lead": p["lead"].id if lead else None}})


def ask(p, user=None, **kw):
    values = dict(category="cnmarc", language_group="chinese", title="多卷书怎么著录", body="请问 **461** 怎么写？")
    values.update(kw)
    return services.ask(user or p["asker"], **values)
