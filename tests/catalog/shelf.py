"""The small catalogue that search tests share: Chinese and Western books chosen so that 1- and
2-character Chinese queries, ISBN-10/13, class prefixes and folded Latin words each find something."""
from app.catalog import services
from tests.catalog.records import cnmarc_book, marc21_book


def standard_shelf() -> dict:
    """Six active records, by name; the caller commits."""
    return {
        "rules": services.create(None, cnmarc_book("中文文献编目规则", isbn="978-7-5013-4441-3", year=2005, clc="G254.3")),
        "study": services.create(None, cnmarc_book("大学学习方法", author="李四著", isbn="7-04-012345-2", year=2012,
                                                   clc="G642", subject="学习方法")),
        "split": services.create(None, cnmarc_book("编写目录的艺术", year=1999, clc="G254")),
        "econ": services.create(None, cnmarc_book("中国经济发展报告", author="国家统计局编", year=2020, clc="F124",
                                                  subject="经济发展", publisher="中国统计出版社")),
        "rda": services.create(None, marc21_book("RDA and cataloging practice", isbn="0-8389-1234-6", year=2015)),
        "eco": services.create(None, marc21_book("L'économie du Monde", author="Dupont, Jean,", year=2001,
                                                 subject="Economics.", lcc="HB171", lang="fre")),
    }
