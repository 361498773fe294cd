"""Bilingual messages of the I/O layer.

Cataloguers read these in Chinese, administrators and logs often in English; a machine code lets
callers (the import page, the CLI, tests) react without parsing text.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Message:
    code: str
    zh: str
    en: str
    params: dict = field(default_factory=dict, compare=False)

    def text(self, lang: str = "en") -> str:
        return self.zh if lang.startswith("zh") else self.en

    def __str__(self) -> str:
        return self.en


# code -> (zh, en); str.format() placeholders are filled from the keyword arguments of msg().
CATALOGUE: dict[str, tuple[str, str]] = {
    # whole file
    "file_not_found": ("找不到文件：{path}", "file not found: {path}"),
    "file_unreadable": ("无法读取文件 {path}：{reason}", "cannot read {path}: {reason}"),
    "file_empty": ("文件为空：{path}", "file is empty: {path}"),
    "unknown_format": (
        "无法识别 {path} 的格式（支持 ISO 2709、MARCXML、MARC-in-JSON、MARCMaker .mrk）",
        "cannot tell the format of {path} (ISO 2709, MARCXML, MARC-in-JSON or MarcMaker .mrk expected)",
    ),
    "bad_format_name": ("未知格式“{name}”，可用：{choices}", "unknown format '{name}'; use one of {choices}"),
    "bad_encoding_name": ("未知字符集“{name}”", "unknown character set '{name}'"),
    # ISO 2709 records
    "junk": (
        "{size} 个字节不是记录（{preview}），已跳过",
        "{size} bytes that are not a record ({preview}), skipped",
    ),
    "eof_in_record": (
        "文件在记录中间结束：最后 {size} 个字节没有记录结束符（0x1D）",
        "file ends inside a record: the last {size} bytes have no record terminator (0x1D)",
    ),
    "bad_record_length": (
        "头标区 0-4 位的记录长度不是数字（{value}）",
        "the record length in leader/00-04 is not a number ({value})",
    ),
    "truncated": (
        "记录不完整：头标区说 {declared} 字节，实际只有 {actual} 字节",
        "record is cut short: the leader says {declared} bytes, only {actual} found",
    ),
    "bad_base_address": (
        "头标区 12-16 位的数据起始地址无效（{value}）",
        "the base address of data in leader/12-16 is invalid ({value})",
    ),
    "bad_directory": ("目次区损坏：{detail}", "the directory is damaged: {detail}"),
    "bad_leader": ("头标区无效：{detail}", "the leader is invalid: {detail}"),
    "no_fields": ("记录中没有字段", "the record has no fields"),
    "bad_charset": (
        "字段 {tag} 的字节不是有效的 {charset}",
        "the bytes of field {tag} are not valid {charset}",
    ),
    "undecodable": ("无法解码记录：{detail}", "cannot decode the record: {detail}"),
    # XML
    "xml_syntax": (
        "XML 格式错误（第 {line} 行第 {column} 列）：{detail}；此后的内容无法读取",
        "XML is not well-formed (line {line}, column {column}): {detail}; nothing after it can be read",
    ),
    "xml_no_code": (
        "字段 {tag} 中有一个 <subfield> 没有 code 属性（第 {line} 行）",
        "a <subfield> in field {tag} has no code attribute (line {line})",
    ),
    "xml_no_tag": ("<{element}> 没有 tag 属性（第 {line} 行）", "<{element}> has no tag attribute (line {line})"),
    "sru_no_marc": (
        "SRU 记录中没有 MARC 记录（recordSchema：{schema}）",
        "the SRU record holds no MARC record (recordSchema: {schema})",
    ),
    "sru_diagnostic": ("SRU 服务器返回诊断信息：{detail}", "the SRU server returned a diagnostic: {detail}"),
    # JSON
    "json_syntax": (
        "JSON 格式错误（第 {line} 行第 {column} 列）：{detail}",
        "JSON is not well-formed (line {line}, column {column}): {detail}",
    ),
    "json_bad_record": ("不是 MARC-in-JSON 记录：{detail}", "not a MARC-in-JSON record: {detail}"),
    # MarcMaker
    "mrk_bad_line": ("第 {line} 行无法解析：{detail}", "line {line} cannot be parsed: {detail}"),
    "mrk_no_leader": ("记录没有 =LDR 行（第 {line} 行起）", "the record has no =LDR line (starting at line {line})"),
    "mrk_not_text": (
        "第 {line} 行不是有效的 {charset} 文本",
        "line {line} is not valid {charset} text",
    ),
    # warnings on records that were read
    "length_mismatch": (
        "头标区记录长度为 {declared}，实际为 {actual} 字节",
        "the leader gives a record length of {declared}, the record has {actual} bytes",
    ),
    "mislabelled_utf8": (
        "头标区 09 位为空格（MARC-8），但内容是 UTF-8，已按 UTF-8 读取",
        "leader/09 is blank (MARC-8) but the bytes are UTF-8; read as UTF-8",
    ),
    "guessed_gb18030": (
        "头标区 09 位为空格，内容按 GB18030 读取",
        "leader/09 is blank; the bytes were read as GB18030",
    ),
    "not_marc8": (
        "有 {count} 个字节不是 MARC-8 字符，可能是其他字符集（可用 --encoding 指定）",
        "{count} bytes are not MARC-8 characters; the file may use another character set (see --encoding)",
    ),
    "xml_several_roots": (
        "文件有多个根元素，不是格式正确的 XML 文档",
        "the file has several root elements; it is not a well-formed XML document",
    ),
    "mrk_unknown_mnemonic": ("未知的助记符 {mnemonic}，按原样保留", "unknown mnemonic {mnemonic} kept as text"),
    # writing
    "write_encoding": (
        "{format} 只能用 UTF-8 写出，不能用 {encoding}",
        "{format} is always written in UTF-8, not {encoding}",
    ),
    "write_unencodable": (
        "字段 {tag} 含有 {encoding} 无法表示的字符 {char}",
        "field {tag} has the character {char}, which {encoding} cannot represent",
    ),
    "write_structure_char": (
        "字段 {tag} 含有 MARC 结构字符 {char}",
        "field {tag} contains the MARC structure character {char}",
    ),
    "write_xml_char": ("字段 {tag} 含有 XML 不允许的字符 {char}", "field {tag} contains {char}, which XML does not allow"),
    "write_too_long": ("{what}太长（{size} 字节，最多 {limit}）", "{what_en} is too long ({size} bytes, at most {limit})"),
    "write_bad_tag": ("字段标识符“{tag}”不是 3 个字母或数字", "the tag '{tag}' is not 3 letters or digits"),
    "write_bad_code": (
        "字段 {tag} 的子字段标识符“{code}”不是单个字符",
        "the subfield code '{code}' in field {tag} is not one character",
    ),
    "marc8_needs_yaz": (
        "写出 MARC-8 需要 yaz-marcdump（Debian 软件包 yaz）",
        "writing MARC-8 needs yaz-marcdump (Debian package yaz)",
    ),
    "marc8_failed": ("转换为 MARC-8 失败：{detail}", "conversion to MARC-8 failed: {detail}"),
}


def msg(code: str, /, **params) -> Message:
    zh, en = CATALOGUE[code]
    return Message(code, zh.format(**params), en.format(**params), params)

CATALOGUE.update({
    "dir_no_terminator": (
        "目次区没有以字段结束符结尾（字节 {pos}）",
        "the directory does not end with a field terminator (byte {pos})",
    ),
    "dir_not_multiple": (
        "目次区长度 {size} 不是 12 的倍数",
        "the directory is {size} bytes long, not a multiple of 12",
    ),
    "dir_entry_not_digits": (
        "目次区第 {n} 项（{tag}）的长度或起始位置不是数字：{entry}",
        "directory entry {n} ({tag}) has a length or start that is not a number: {entry}",
    ),
    "dir_out_of_bounds": (
        "目次区中字段 {tag} 超出记录末尾（{end} > {size}）",
        "the directory puts field {tag} past the end of the record ({end} > {size})",
    ),
    "dir_unterminated": (
        "目次区中字段 {tag} 的长度或起始位置有误（起始 {start}，长度 {length}，该处不是字段结束符）",
        "the directory gives field {tag} a wrong length or start (start {start}, length {length}: "
        "no field terminator there)",
    ),
})
CATALOGUE["write_bad_indicator"] = (
    "字段 {tag} 的指示符“{value}”不是单个字符",
    "the indicator '{value}' in field {tag} is not one character",
)
CATALOGUE["not_utf8"] = ("文件不是有效的 UTF-8（字节 {pos}）", "the file is not valid UTF-8 (byte {pos})")
CATALOGUE["no_terminator"] = (
    "超过 {size} 个字节没有记录结束符（0x1D），这一段已跳过",
    "more than {size} bytes without a record terminator (0x1D); that stretch was skipped",
)
