"""Cataloguer-facing wording of every validation finding, in Chinese and English.

Kept apart from the checks so that the wording can be reviewed (and the codes listed in
docs/marc-validation.md) without reading the rules. Each entry: default severity, zh, en.
"""

MESSAGES = {
    "leader.length": ("error", "头标长度应为 {expected} 个字符，实为 {actual} 个。",
                      "The Leader must be {expected} characters long, not {actual}."),
    "fixed.length": ("error", "{where} 长度应为 {expected} 个字符，实为 {actual} 个。",
                     "{where} must be {expected} characters long, not {actual}."),
    "fixed.invalid_code": ("warning", "{where}/{pos}（{label_zh}）的值“{value}”无效。",
                           "{where}/{pos} ({label_en}): \"{value}\" is not a valid value."),
    "field.unknown": ("warning", "字段 {tag} 在{profile_zh}中未定义。",
                      "Field {tag} is not defined in {profile_en}."),
    "field.not_repeatable": ("error", "字段 {field} 不可重复。", "Field {field} is not repeatable."),
    "field.empty": ("error", "字段 {field} 没有子字段。", "Field {field} has no subfields."),
    "field.mandatory_missing": ("error", "缺少{level_zh}记录的必备字段 {what}。",
                                "Missing {what}, mandatory in a {level_en} record."),
    "field.recommended_missing": ("warning", "缺少{level_zh}记录有则必备的 {what}（如适用请补充）。",
                                  "Missing {what}, mandatory if applicable in a {level_en} record."),
    "subfield.mandatory_missing": ("error", "字段 {field} 缺少必备子字段 ${code}。",
                                   "Field {field} lacks the mandatory subfield ${code}."),
    "control.has_subfields": ("error", "控制字段 {tag} 不能含有子字段。",
                              "Control field {tag} must not contain subfields."),
    "indicator.invalid": ("error", "字段 {field} 第{n_zh}指示符“{value}”无效，应为 {allowed}。",
                          "Field {field}: indicator {n} is \"{value}\", must be {allowed}."),
    "subfield.unknown": ("error", "字段 {field} 未定义子字段 ${code}。",
                         "Field {field}: subfield ${code} is not defined."),
    "subfield.not_repeatable": ("error", "字段 {field} 的子字段 ${code} 不可重复。",
                                "Field {field}: subfield ${code} is not repeatable."),
    "subfield.empty": ("error", "字段 {field} 的子字段 ${code} 为空。",
                       "Field {field}: subfield ${code} is empty."),
    "subfield.control_char": ("warning", "字段 {field} 的子字段 ${code} 含有制表符或换行符。",
                              "Field {field}: subfield ${code} contains a tab or line break."),
    "subfield.order": ("warning", "字段 {field} 的子字段应以 {expected} 开头，实为 {actual}。",
                       "Field {field} must begin with {expected}, not {actual}."),
    "isbn.length": ("error", "ISBN“{value}”位数不对（应为 10 或 13 位）；无效的 ISBN 应著录在 $z。",
                    "ISBN \"{value}\" has the wrong number of digits (10 or 13); an invalid ISBN "
                    "belongs in $z."),
    "isbn.checksum": ("error", "ISBN“{value}”校验位错误；无效的 ISBN 应著录在 $z。",
                      "ISBN \"{value}\" has a bad check digit; an invalid ISBN belongs in $z."),
    "isbn.invalid_characters": ("warning", "ISBN“{value}”前有多余的字符。",
                                "ISBN \"{value}\" may have invalid characters before the number."),
    "isbn.qualifier_space": ("warning", "ISBN 后的限定说明前应有空格：“{value}”。",
                             "A qualifier after the ISBN must be preceded by a space: \"{value}\"."),
    "isbn.valid_in_z": ("warning", "$z 中的 ISBN“{value}”校验正确，是否应著录在 $a？",
                        "The ISBN \"{value}\" in $z is numerically valid; does it belong in $a?"),
    "lang.code_length": ("error", "字段 {field} 子字段 ${code} 的“{value}”不是 3 个字符的语种代码。",
                         "Field {field}: subfield ${code} \"{value}\" is not made of 3-letter "
                         "language codes."),
    "lang.invalid": ("error", "字段 {field} 子字段 ${code} 的语种代码“{value}”无效。",
                     "Field {field}: subfield ${code} \"{value}\" is not a valid language code."),
    "lang.obsolete": ("warning", "字段 {field} 子字段 ${code} 的语种代码“{value}”已停用。",
                      "Field {field}: subfield ${code} \"{value}\" is an obsolete language code."),
    "geo.code_length": ("error", "字段 {field} 的地区代码“{value}”应为 7 个字符。",
                        "Field {field}: geographic area code \"{value}\" must be 7 characters."),
    "geo.invalid": ("warning", "字段 {field} 的地区代码“{value}”无效。",
                    "Field {field}: \"{value}\" is not a valid geographic area code."),
    "geo.obsolete": ("warning", "字段 {field} 的地区代码“{value}”已停用。",
                     "Field {field}: \"{value}\" is an obsolete geographic area code."),
    "title.nonfiling": ("warning", "字段 {field} 题名首词“{word}”{verdict_zh}，请检查第二指示符（{ind}）。",
                        "Field {field}: first word \"{word}\" {verdict_en}; check the second "
                        "indicator ({ind})."),
    "punctuation.final": ("warning", "字段 {field} 应以句点结尾。", "Field {field} must end with a period."),
    "punctuation.before_b": ("warning", "字段 {field} 的 $b 前应有“ :”“ ;”或“ =”。",
                             "Field {field}: $b must be preceded by space-colon, space-semicolon "
                             "or space-equals."),
    "punctuation.before_c": ("warning", "字段 {field} 的 $c 前应有“ /”。",
                             "Field {field}: $c must be preceded by space-slash."),
    "punctuation.initials": ("warning", "字段 {field} 的 $c 中姓名首字母之间不应有空格。",
                             "Field {field}: initials in $c should not be spaced."),
    "punctuation.before_h": ("warning", "字段 {field} 的 $h 前不应有空格。",
                             "Field {field}: $h must not be preceded by a space."),
    "punctuation.gmd_brackets": ("warning", "字段 {field} 的 $h 应置于方括号内。",
                                 "Field {field}: $h must be enclosed in square brackets."),
    "punctuation.before_n": ("warning", "字段 {field} 的 $n 前应有句点。",
                             "Field {field}: $n must be preceded by a period."),
    "punctuation.before_p": ("warning", "字段 {field} 的 $p 前应有{mark_zh}。",
                             "Field {field}: $p must be preceded by {mark_en}."),
    "linkage.missing": ("error", "字段 880 缺少连接子字段 $6。", "Field 880 has no linkage subfield $6."),
    "linkage.format": ("error", "字段 {field} 的 $6“{value}”格式不对（应如 245-01）。",
                       "Field {field}: $6 \"{value}\" is malformed (expected e.g. 245-01)."),
    "linkage.unpaired": ("warning", "字段 {field} 的 $6“{value}”找不到对应的 {other} 字段。",
                         "Field {field}: $6 \"{value}\" has no matching {other} field."),
    "record.multiple_main_entry": ("error", "只能有一个主要款目（1XX）字段，实有 {count} 个。",
                                   "Only one main entry (1XX) field is allowed; found {count}."),
}

def show(value: str) -> str:
    """A value as a message quotes it: blanks as ␢ (a "#" in a message is a "#" in the data)."""
    return value.replace(" ", "␢") if value else "(empty)"


LEVEL_NAMES = {"full": ("完全级", "full-level"), "basic": ("基本级", "basic-level")}
INDICATOR_NAMES = {1: "一", 2: "二"}
