"""Demonstration forum: the centre's boards and a few realistic threads. Idempotent."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.core.types import utcnow
from app.extensions import db

from .models import Board, Category, Post, Topic
from .render import plain_text

# (category zh, en, [(board zh, en, description zh, description en, is_qa, members_only)])
STRUCTURE = [
    ("编目格式", "Formats", [
        ("CNMARC", "CNMARC", "中国机读目录格式的著录与字段使用", "Cataloguing in CNMARC", False, False),
        ("MARC 21", "MARC 21", "西文文献的 MARC 21 著录", "Cataloguing in MARC 21", False, False),
    ]),
    ("标引与规范", "Indexing and authorities", [
        ("主题标引与分类", "Subject indexing and classification", "《中图法》分类与主题词标引",
         "CLC classification and subject headings", False, False),
        ("规范控制", "Authority control", "个人名称、团体名称与统一题名规范", "Name and title authorities", False, True),
    ]),
    ("互助问答", "Help", [
        ("问答", "Q&A", "提出编目问题，由同行或专家回答；提问者或专家可采纳最佳答案",
         "Ask a cataloguing question; the asker or an expert accepts the best answer", True, False),
    ]),
]

MARC_SAMPLE = """=LDR  00000nam0 2200000   450 
=010  \\\\$a978-7-5013-7000-1$dCNY68.00
=100  \\\\$a20240315d2023    em y0chiy50      ea
=101  0\\$achi
=102  \\\\$aCN$b110000
=200  1\\$a中国古代藏书史$9zhong guo gu dai cang shu shi$f王雪著
=210  \\\\$a北京$c国家图书馆出版社$d2023
=215  \\\\$a320页$c图$d24cm
=606  0\\$a藏书$x图书馆史$y中国$z古代
=690  \\\\$aG259.292$v5
=701  \\0$a王雪$4著"""

# (board en, title, author email, body, [(author email, body, accepted)])
THREADS = [
    ("CNMARC", "200字段$f与$g的区分：多位责任者怎么著录？", "certified@bianmu.example.org",
     "最近编一本合著的书，题名页写“王雪，李明著；赵华译”。\n\n请问 200 字段里第一责任说明和其他责任说明应该怎么分？",
     [("expert@bianmu.example.org", "第一责任说明（同一责任方式）著录在 $f，不同责任方式的放在 $g：\n\n"
       "`200 1#$a……$f王雪，李明著$g赵华译`\n\n同时别忘了 701/702 字段分别做检索点。", False),
      ("cataloguer@bianmu.example.org", "谢谢！我之前把译者也放在 $f 里了。", False)]),
    ("CNMARC", "请帮忙看看这条记录的 606 和 690 是否合适", "cataloguer@bianmu.example.org",
     "这是我刚编的一条记录，主题和分类拿不准：\n\n```marc\n" + MARC_SAMPLE + "\n```\n\n谢谢各位老师！",
     [("expert@bianmu.example.org", "606 的复分用得对。690 可以再核对一下《中图法》第五版 G259 下的复分表，"
       "“G259.292”表示中国古代，没有问题。", False)]),
    ("MARC 21", "RDA 下 264 字段第二指示符的用法", "western@bianmu.example.org",
     "264 的第二指示符 1 是出版，4 是版权日期。有版权年而无出版年时，是否两个 264 都要著录？",
     [("qc@bianmu.example.org", "按 RDA，出版日期未知时可推断，著录 `264 #1 $c[2023]`，"
       "同时另起 `264 #4 $c©2023`。", False)]),
    ("主题标引与分类", "《中图法》第五版 TP3 类目的变化", "trainer@bianmu.example.org",
     "第五版对计算机类目做了较大调整，培训中常见的问题整理如下：\n\n1. TP311 软件工程\n2. TP393 计算机网络\n\n欢迎补充。", []),
    ("问答", "古籍的版本项应该著录在哪个字段？", "certified@bianmu.example.org",
     "编一部清刻本，版本信息“乾隆三十年刻本”放在 205 还是 305？",
     [("cataloguer@bianmu.example.org", "我们馆一般放在 305 附注。", False),
      ("expert@bianmu.example.org", "古籍的版本类型（如“刻本”）著录在 **205 字段** $a，例如 `205 ##$a清乾隆三十年刻本`；"
       "305 用于版本与书目沿革的附注说明。", True)]),
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed_forum() -> dict:
    """Boards and threads once; a second call changes nothing."""
    if db.session.scalar(select(Category.id).limit(1)) is not None:
        return {"boards": 0, "topics": 0}
    boards = {}
    for ci, (czh, cen, bs) in enumerate(STRUCTURE):
        cat = Category(name_zh=czh, name_en=cen, position=ci)
        db.session.add(cat)
        for bi, (bzh, ben, dzh, den, qa, members) in enumerate(bs):
            b = Board(category=cat, name_zh=bzh, name_en=ben, description_zh=dzh, description_en=den,
                      position=bi, is_qa=qa, members_only=members)
            db.session.add(b)
            boards[bzh] = b
    db.session.flush()
    topics = 0
    start = utcnow() - timedelta(days=10)
    for n, (board, title, email, body, replies) in enumerate(THREADS):
        author = _user(email)
        if author is None:
            continue
        when = start + timedelta(days=2 * n)
        topic = Topic(board=boards[board], title=title, search_title=title.lower(), author_id=author.id,
                      created_at=when, last_post_at=when)
        db.session.add(topic)
        db.session.add(Post(topic=topic, author_id=author.id, body=body, search_text=plain_text(body).lower(),
                            created_at=when))
        for k, (remail, rbody, accepted) in enumerate(replies, 1):
            ruser = _user(remail)
            if ruser is None:
                continue
            rwhen = when + timedelta(hours=3 * k)
            db.session.add(Post(topic=topic, author_id=ruser.id, body=rbody, search_text=plain_text(rbody).lower(),
                                created_at=rwhen, accepted_at=rwhen + timedelta(hours=1) if accepted else None,
                                accepted_by_id=author.id if accepted else None))
            topic.last_post_at = rwhen
        topics += 1
    db.session.commit()
    return {"boards": len(boards), "topics": topics}
