"""Realistic reference records for the normalise, display and grade tests, built in code.

The CNMARC book follows the shape of the real CALIS/BNU records in
shared/data/marc/unimarc/dp2_sru_cnmarcxml.xml (010, 100, 101, 102, 105, 106, 200 with $A pinyin,
210, 215, 225/410, 330, 606, 690, 701, 801); the MARC 21 book is an RDA record of the usual kind.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pymarc
from pymarc import Field, Indicators, Record, Subfield

def df(tag: str, ind: str, *subs) -> Field:
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=[Subfield(c, v) for c, v in subs])

def cf(tag: str, data: str) -> Field:
    return Field(tag=tag, data=data)

def cnmarc_book() -> Record:
    r = Record(leader="01280nam0 2200337   450 ")
    r.add_field(cf("001", "012000518979"), cf("005", "20190611112950.0"),
        df("010", "  ", ("a", "978-7-5037-7069-2"), ("d", "CNY88.00")),
        df("100", "  ", ("a", "20140304d2014    em y0chiy50      ea")),
        df("101", "0 ", ("a", "chi")),
        df("102", "  ", ("a", "CN"), ("b", "110000")),
        df("105", "  ", ("a", "ak  z   000yy")),
        df("106", "  ", ("a", "r")),
        df("200", "1 ", ("a", "中国发展报告"), ("A", "zhong guo fa zhan bao gao"), ("e", "中国的“十二五”"), ("f", "国家统计局编"), ("F", "guo jia tong ji ju bian")),
        df("210", "  ", ("a", "北京"), ("c", "中国统计出版社"), ("d", "2014")),
        df("215", "  ", ("a", "422页"), ("c", "图"), ("d", "27cm")),
        df("225", "2 ", ("a", "中国发展报告书"), ("A", "zhong guo fa zhan bao gao shu")),
        df("300", "  ", ("a", "封面英文题名:China Development Report")),
        df("330", "  ", ("a", "本书分析了中国经济与社会发展的主要情况，并附有统计资料。")),
        df("410", " 0", ("1", "2001"), ("a", "中国发展报告书")),
        df("510", "1 ", ("a", "China development report"), ("z", "eng")),
        df("606", "0 ", ("a", "经济发展"), ("A", "jing ji fa zhan"), ("x", "概况"), ("y", "中国")),
        df("606", "0 ", ("a", "社会发展"), ("A", "she hui fa zhan"), ("x", "概况"), ("y", "中国")),
        df("690", "  ", ("a", "F124"), ("v", "5")),
        df("701", " 0", ("a", "张塞"), ("A", "zhang sai"), ("4", "主编")),
        df("701", " 0", ("a", "李强"), ("A", "li qiang"), ("4", "主编")),
        df("711", "02", ("a", "国家统计局"), ("A", "guo jia tong ji ju"), ("4", "编")),
        df("801", " 0", ("a", "CN"), ("b", "BNU"), ("c", "20140304")),
    )
    return r

def marc21_book() -> Record:
    r = Record(leader="01201cam a2200253 i 4500")
    r.add_field(cf("001", "tes96000001"), cf("005", "199602210153555.7"),
        cf("008", "150304s2015    nyua     b    001 0 eng d"),
        df("020", "  ", ("a", "9780199535569"), ("q", "paperback")),
        df("040", "  ", ("a", "DLC"), ("b", "eng"), ("e", "rda"), ("c", "DLC")),
        df("050", "00", ("a", "PR4034"), ("b", ".P7 2015")),
        df("082", "00", ("a", "823.7"), ("2", "23")),
        df("100", "1 ", ("a", "Austen, Jane,"), ("d", "1775-1817,"), ("e", "author.")),
        df("245", "10", ("a", "Pride and prejudice :"), ("b", "a novel /"), ("c", "Jane Austen ; edited by James Kinsley ; with an introduction by Fiona Stafford.")),
        df("250", "  ", ("a", "New edition.")),
        df("264", " 1", ("a", "New York :"), ("b", "Oxford University Press,"), ("c", "2015.")),
        df("300", "  ", ("a", "xxxix, 333 pages :"), ("b", "illustrations ;"), ("c", "20 cm.")),
        df("336", "  ", ("a", "text"), ("b", "txt"), ("2", "rdacontent")),
        df("337", "  ", ("a", "unmediated"), ("b", "n"), ("2", "rdamedia")),
        df("338", "  ", ("a", "volume"), ("b", "nc"), ("2", "rdacarrier")),
        df("490", "1 ", ("a", "Oxford world's classics")),
        df("504", "  ", ("a", "Includes bibliographical references (pages xxxiii-xxxiv).")),
        df("520", "  ", ("a", "Elizabeth Bennet meets the proud Mr Darcy, and first impressions prove misleading.")),
        df("650", " 0", ("a", "Courtship"), ("z", "England"), ("v", "Fiction.")),
        df("650", " 0", ("a", "Sisters"), ("z", "England"), ("v", "Fiction.")),
        df("651", " 0", ("a", "England"), ("x", "Social life and customs"), ("y", "19th century"), ("v", "Fiction.")),
        df("700", "1 ", ("a", "Kinsley, James,"), ("e", "editor.")),
        df("700", "1 ", ("a", "Stafford, Fiona J.,"), ("e", "writer of introduction.")),
        df("830", " 0", ("a", "Oxford world's classics (Oxford University Press)")),
    )
    return r


def set_sub(record: Record, tag: str, code: str, value: str, occ: int = 0) -> Record:
    """Replace the first $code of the occ-th `tag` field (raises if there is none)."""
    f = record.get_fields(tag)[occ]
    for i, s in enumerate(f.subfields):
        if s.code == code:
            f.subfields[i] = Subfield(code, value)
            return record
    raise KeyError(f"{tag} ${code}")


_NLC_RECORD = re.compile(r'<record xmlns="http://www.nlc.cn/">.*?</record>(?=\s*</recordData>)', re.S)


def dp2_cnmarc_records(marc_data: Path) -> list[Record]:
    """The real CNMARC records of the dp2 SRU sample, without the SRU envelope (see SOURCES.md:
    parsing the whole response would take the wrappers for records)."""
    text = (marc_data / "unimarc" / "dp2_sru_cnmarcxml.xml").read_text(encoding="utf-8-sig")
    body = "".join(r.replace(' xmlns="http://www.nlc.cn/"', "") for r in _NLC_RECORD.findall(text))
    xml = f'<collection xmlns="http://www.loc.gov/MARC21/slim">{body}</collection>'
    return pymarc.parse_xml_to_array(io.BytesIO(xml.encode("utf-8")))


def marc21_file_records(marc_data: Path, name: str = "marc4j_pride-and-prejudice-fixed.mrc",
                        limit: int = 60) -> list[Record]:
    out = []
    with open(marc_data / "marc21" / name, "rb") as fh:
        for rec in pymarc.MARCReader(fh, to_unicode=True, hide_utf8_warnings=True):
            if rec is not None:
                out.append(rec)
            if len(out) >= limit:
                break
    return out
