"""Demo bulletin: three published issues of 联机编目中心简报, written by the demo trainer and
published by the demo centre administrator through the real workflow. Safe to run again: an
issue whose title exists already is left alone."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db

from . import services, subscriptions
from .models import Bulletin

AUTHOR = "trainer@bianmu.example.org"
PUBLISHER = "admin@bianmu.example.org"
SUBSCRIBER = "cataloguer@bianmu.example.org"

ISSUES = [
    (datetime(2026, 3, 20, 2, tzinfo=timezone.utc), "2026年度联机合作编目工作会议召开", "Annual meeting of the cooperative cataloguing network", [
        ("news", "年度工作会议在武汉召开",
         "3月中旬，联机编目中心2026年度工作会议在武汉召开，来自全国**32家成员馆**的编目部主任和业务骨干参加会议。\n\n"
         "会议总结了上一年度联合目录建设情况：全年新增书目记录约18.6万条，成员馆上传原始编目记录占新增总量的41%。"
         "会议同时审议通过了《联合目录数据质量要求（2026年修订）》，修订稿将于5月1日起执行。"),
        ("news", "新成员馆加入",
         "本季度新增成员馆3家。中心将于4月为新成员馆安排编目员账户开通和系统使用培训，请各馆联系人及时确认参训名单。"),
        ("practice", "CNMARC 200字段著录要点",
         "200字段（题名与责任说明）是书目记录中差错率最高的字段之一。审校中常见的问题有：\n\n"
         "1. **指示符**：第1指示符为“1”，表示题名有检索意义；\n"
         "2. **并列题名**著录在 `$d`，并在510字段作相应检索点；\n"
         "3. 第一责任说明著录在 `$f`，其他责任说明著录在 `$g`，不要将译者、校订者并入 `$f`；\n"
         "4. 丛编题名不在200字段著录，应著录在225字段。\n\n"
         "示例：\n\n```\n200 1#$a联合目录建设研究$d= Research on union catalogue construction$f王敏著$g李华译\n```"),
    ]),
    (datetime(2026, 6, 18, 2, tzinfo=timezone.utc), "主题标引与分类专辑", "Subject indexing and classification", [
        ("practice", "690字段：中国图书馆分类法分类号",
         "690字段记录《中国图书馆分类法》（中图法）分类号，`$a` 为分类号，`$v` 为版次。"
         "成员馆上传记录须使用第五版，即 `$v5`。\n\n"
         "- 一书多个主题时，可重复690字段，主要分类号在前；\n"
         "- 复分号直接与主类号相连，如 `G254.1`（文献编目）；\n"
         "- 不要在690字段中加入索书号中的书次号。\n\n"
         "```\n690 ##$aG254.1$v5\n```"),
        ("training", "三级编目员资格培训报名",
         "中心将于7月举办中文图书三级编目员资格培训（线上、线下同步），培训结业者可报名参加当期资格考试。"
         "请通过门户“培训”栏目报名，每馆名额不超过5人。"),
        ("statistics", "上半年联合目录数据统计",
         "| 项目 | 数量 |\n|---|---:|\n| 新增书目记录 | 96,420 |\n| 其中原始编目上传 | 39,870 |\n"
         "| 套录下载 | 412,305 |\n| 审校退回记录 | 1,126 |"),
    ]),
    (datetime(2026, 10, 16, 2, tzinfo=timezone.utc), "编目问答选登", "Selected questions and answers", [
        ("qa", "问答选登：多卷书与丛编",
         "**问**：多卷书的分卷题名应如何著录？\n\n"
         "**答**：分散著录时，200字段 `$a` 著录分卷题名，总题名著录在461字段并建立连接；"
         "集中著录时，总题名著录在200字段，各卷题名在327字段列出。\n\n"
         "**问**：丛编题名应著录在哪个字段？\n\n"
         "**答**：按规定信息源著录在225字段，并在410字段建立连接；丛编有统一题名规范时，410字段使用规范形式。"),
        ("news", "《联合目录数据质量要求》执行情况",
         "修订版质量要求执行以来，审校退回率由2.1%下降到1.2%。中心感谢各成员馆编目员的认真工作，"
         "欢迎通过咨询台继续提出问题和建议。"),
    ]),
]


def seed_bulletins() -> dict:
    """Returns how many issues were added."""
    counts = {"bulletins": 0}
    author = db.session.scalar(select(User).where(User.email == AUTHOR))
    publisher = db.session.scalar(select(User).where(User.email == PUBLISHER))
    if author is None or publisher is None:
        return counts
    for when, title_zh, title_en, sections in ISSUES:
        if db.session.scalar(select(Bulletin.id).where(Bulletin.title_zh == title_zh)) is not None:
            continue
        b = services.create(author, title_zh, title_en, commit=False)
        for kind, title, body in sections:
            services.add_section(author, b, kind, title, body, commit=False)
        services.submit(author, b, commit=False)
        services.publish(publisher, b, now=when, commit=False)
        counts["bulletins"] += 1
    reader = db.session.scalar(select(User).where(User.email == SUBSCRIBER))
    if reader is not None:
        subscriptions.subscribe(reader, commit=False)
    db.session.commit()
    return counts
