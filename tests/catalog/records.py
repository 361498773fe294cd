"""Small, valid records built in code for catalogue tests."""
from pymarc import Field, Leader, Record, Subfield


def cnmarc_book(title: str, author: str = "张三著", isbn: str | None = None, year: int = 2020,
                clc: str = "G254", publisher: str = "国家图书馆出版社", subject: str = "编目", control: str | None = None) -> Record:
    r = Record(leader=Leader("00000nam0 2200000   450 "), force_utf8=True)
    if control:
        r.add_field(Field(tag="001", data=control))
    if isbn:
        r.add_field(Field(tag="010", indicators=[" ", " "], subfields=[Subfield("a", isbn), Subfield("d", "CNY45.00")]))
    r.add_field(Field(tag="100", indicators=[" ", " "], subfields=[Subfield("a", f"20240101d{year}    em y0chiy50      ea")]))
    r.add_field(Field(tag="101", indicators=["0", " "], subfields=[Subfield("a", "chi")]))
    r.add_field(Field(tag="102", indicators=[" ", " "], subfields=[Subfield("a", "CN"), Subfield("b", "110000")]))
    r.add_field(Field(tag="200", indicators=["1", " "], subfields=[Subfield("a", title), Subfield("f", author)]))
    r.add_field(Field(tag="210", indicators=[" ", " "], subfields=[Subfield("a", "北京"), Subfield("c", publisher), Subfield("d", str(year))]))
    r.add_field(Field(tag="215", indicators=[" ", " "], subfields=[Subfield("a", "320页"), Subfield("d", "26cm")]))
    r.add_field(Field(tag="606", indicators=["0", " "], subfields=[Subfield("a", subject)]))
    r.add_field(Field(tag="690", indicators=[" ", " "], subfields=[Subfield("a", clc), Subfield("v", "5")]))
    r.add_field(Field(tag="701", indicators=[" ", "0"], subfields=[Subfield("a", author.rstrip("著编"))]))
    r.add_field(Field(tag="801", indicators=[" ", "0"], subfields=[Subfield("a", "CN"), Subfield("b", "TEST"), Subfield("c", "20240101")]))
    return r


def marc21_book(title: str, author: str = "Smith, John,", isbn: str | None = None, year: int = 2019,
                subject: str = "Cataloging.", lcc: str = "Z693", publisher: str = "ALA Editions,",
                lang: str = "eng", control: str | None = None) -> Record:
    r = Record(leader=Leader("00000cam a2200000 i 4500"), force_utf8=True)
    if control:
        r.add_field(Field(tag="001", data=control))
    r.add_field(Field(tag="008", data=f"190101s{year}    ilu           000 0 {lang} d"))
    if isbn:
        r.add_field(Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", isbn)]))
    r.add_field(Field(tag="050", indicators=[" ", "4"], subfields=[Subfield("a", lcc), Subfield("b", ".S65 2019")]))
    r.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", author)]))
    r.add_field(Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", title + " /"), Subfield("c", "by someone.")]))
    r.add_field(Field(tag="264", indicators=[" ", "1"], subfields=[Subfield("a", "Chicago :"), Subfield("b", publisher), Subfield("c", f"{year}.")]))
    r.add_field(Field(tag="300", indicators=[" ", " "], subfields=[Subfield("a", "xii, 300 pages ;"), Subfield("c", "23 cm")]))
    r.add_field(Field(tag="650", indicators=[" ", "0"], subfields=[Subfield("a", subject)]))
    return r
