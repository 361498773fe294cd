"""A small forum world for the tests: people of each kind and a board of each kind."""
from __future__ import annotations

from app.extensions import db
from app.forum.models import Board, Category


def people(gen) -> dict:
    lib = gen.gen_library()
    return {
        "lib": lib,
        "cat": gen.gen_user("cataloguer", library=lib, name="编目员甲"),
        "cat2": gen.gen_user("cataloguer", library=lib, name="编目员乙"),
        "expert": gen.gen_user("cataloguer", ("expert", "consultation"), library=lib, name="专家丙"),
        "qc": gen.gen_user(("expert", "quality"), name="质控丁"),
        "admin": gen.gen_user("centre_admin", name="管理员戊"),
        "trainer": gen.gen_user("trainer", name="培训师己"),
        # signed in, but neither in a member library nor holding a forum-relevant role
        "outsider": gen.gen_user(name="路人庚"),
    }


def boards() -> dict:
    cat = Category(name_zh="编目格式", name_en="Formats")
    general = Board(category=cat, name_zh="CNMARC", name_en="CNMARC")
    qa = Board(category=cat, name_zh="问答", name_en="Q&A", is_qa=True, position=1)
    private = Board(category=cat, name_zh="规范控制", name_en="Authorities", members_only=True, position=2)
    db.session.add_all([cat, general, qa, private])
    db.session.commit()
    return {"general": general, "qa": qa, "private": private}
