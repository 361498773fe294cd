"""A believable centre: the regions and centres of a national academic union catalogue, and members.

Names are those of real institutions (public knowledge); codes, contacts and figures are invented.
"""
from datetime import date

REGIONS = [
    # code, zh, en, regional centre (code, zh, en), provincial centres [(code, zh, en)]
    ("N", "华北地区", "North China", ("C-N", "华北地区中心（北京大学图书馆）", "North China Centre (Peking University Library)"),
     [("P-TJ", "天津市文献信息服务中心", "Tianjin Centre"), ("P-HE", "河北省文献信息服务中心", "Hebei Centre")]),
    ("NE", "东北地区", "Northeast China", ("C-NE", "东北地区中心（吉林大学图书馆）", "Northeast Centre (Jilin University Library)"),
     [("P-LN", "辽宁省文献信息服务中心", "Liaoning Centre"), ("P-HL", "黑龙江省文献信息服务中心", "Heilongjiang Centre")]),
    ("EN", "华东北地区", "East China (North)", ("C-EN", "华东北地区中心（南京大学图书馆）", "East China North Centre (Nanjing University Library)"),
     [("P-SD", "山东省文献信息服务中心", "Shandong Centre"), ("P-AH", "安徽省文献信息服务中心", "Anhui Centre")]),
    ("ES", "华东南地区", "East China (South)", ("C-ES", "华东南地区中心（上海交通大学图书馆）", "East China South Centre (Shanghai Jiao Tong University Library)"),
     [("P-ZJ", "浙江省文献信息服务中心", "Zhejiang Centre"), ("P-FJ", "福建省文献信息服务中心", "Fujian Centre")]),
    ("C", "华中地区", "Central China", ("C-C", "华中地区中心（武汉大学图书馆）", "Central China Centre (Wuhan University Library)"),
     [("P-HN", "湖南省文献信息服务中心", "Hunan Centre"), ("P-HA", "河南省文献信息服务中心", "Henan Centre")]),
    ("S", "华南地区", "South China", ("C-S", "华南地区中心（中山大学图书馆）", "South China Centre (Sun Yat-sen University Library)"),
     [("P-GX", "广西壮族自治区文献信息服务中心", "Guangxi Centre")]),
    ("SW", "西南地区", "Southwest China", ("C-SW", "西南地区中心（四川大学图书馆）", "Southwest Centre (Sichuan University Library)"),
     [("P-CQ", "重庆市文献信息服务中心", "Chongqing Centre"), ("P-YN", "云南省文献信息服务中心", "Yunnan Centre")]),
    ("NW", "西北地区", "Northwest China", ("C-NW", "西北地区中心（西安交通大学图书馆）", "Northwest Centre (Xi'an Jiaotong University Library)"),
     [("P-GS", "甘肃省文献信息服务中心", "Gansu Centre")]),
]

# code, zh, en, type, region, centre code, upload right
LIBRARIES = [
    ("PKU", "北京大学图书馆", "Peking University Library", "academic", "N", "C-N", True),
    ("THU", "清华大学图书馆", "Tsinghua University Library", "academic", "N", "C-N", True),
    ("RUC", "中国人民大学图书馆", "Renmin University of China Library", "academic", "N", "C-N", True),
    ("BNU", "北京师范大学图书馆", "Beijing Normal University Library", "academic", "N", "C-N", True),
    ("NKU", "南开大学图书馆", "Nankai University Library", "academic", "N", "P-TJ", True),
    ("HEBU", "河北大学图书馆", "Hebei University Library", "academic", "N", "P-HE", False),
    ("JLU", "吉林大学图书馆", "Jilin University Library", "academic", "NE", "C-NE", True),
    ("DUT", "大连理工大学图书馆", "Dalian University of Technology Library", "academic", "NE", "P-LN", True),
    ("HIT", "哈尔滨工业大学图书馆", "Harbin Institute of Technology Library", "academic", "NE", "P-HL", False),
    ("NJU", "南京大学图书馆", "Nanjing University Library", "academic", "EN", "C-EN", True),
    ("SEU", "东南大学图书馆", "Southeast University Library", "academic", "EN", "C-EN", True),
    ("SDU", "山东大学图书馆", "Shandong University Library", "academic", "EN", "P-SD", True),
    ("USTC", "中国科学技术大学图书馆", "University of Science and Technology of China Library", "academic", "EN", "P-AH", True),
    ("SJTU", "上海交通大学图书馆", "Shanghai Jiao Tong University Library", "academic", "ES", "C-ES", True),
    ("FDU", "复旦大学图书馆", "Fudan University Library", "academic", "ES", "C-ES", True),
    ("ZJU", "浙江大学图书馆", "Zhejiang University Library", "academic", "ES", "P-ZJ", True),
    ("XMU", "厦门大学图书馆", "Xiamen University Library", "academic", "ES", "P-FJ", True),
    ("ZJLIB", "浙江图书馆", "Zhejiang Library", "public", "ES", "P-ZJ", False),
    ("WHU", "武汉大学图书馆", "Wuhan University Library", "academic", "C", "C-C", True),
    ("HUST", "华中科技大学图书馆", "Huazhong University of Science and Technology Library", "academic", "C", "C-C", True),
    ("CSU", "中南大学图书馆", "Central South University Library", "academic", "C", "P-HN", True),
    ("ZZU", "郑州大学图书馆", "Zhengzhou University Library", "academic", "C", "P-HA", False),
    ("SYSU", "中山大学图书馆", "Sun Yat-sen University Library", "academic", "S", "C-S", True),
    ("SCUT", "华南理工大学图书馆", "South China University of Technology Library", "academic", "S", "C-S", True),
    ("GXU", "广西大学图书馆", "Guangxi University Library", "academic", "S", "P-GX", False),
    ("SCU", "四川大学图书馆", "Sichuan University Library", "academic", "SW", "C-SW", True),
    ("CQU", "重庆大学图书馆", "Chongqing University Library", "academic", "SW", "P-CQ", True),
    ("YNU", "云南大学图书馆", "Yunnan University Library", "academic", "SW", "P-YN", False),
    ("XJTU", "西安交通大学图书馆", "Xi'an Jiaotong University Library", "academic", "NW", "C-NW", True),
    ("LZU", "兰州大学图书馆", "Lanzhou University Library", "academic", "NW", "P-GS", True),
    ("SXLIB", "陕西省图书馆", "Shaanxi Library", "public", "NW", "C-NW", False),
    ("BKDATA", "北京书目数据服务有限公司", "Beijing Bibliographic Data Services Co.", "commercial", "N", None, False),
]

# Applications caught in each step of the joining workflow, so that every queue has something in it.
APPLICATIONS = [
    ("registered", "江汉大学图书馆", "Jianghan University Library", "academic", "C", "C-C"),
    ("agreed", "宁夏大学图书馆", "Ningxia University Library", "academic", "NW", "C-NW"),
    ("submitted", "海南大学图书馆", "Hainan University Library", "academic", "S", "C-S"),
    ("submitted", "贵州大学图书馆", "Guizhou University Library", "academic", "SW", "C-SW"),
]

DEMO_PASSWORD = "Bianmu-demo-2026"

# email, name, library code, [(role, scope, level)]
USERS = [
    ("admin@bianmu.example.org", "管理员 王敏", None, [("centre_admin", None, None)]),
    ("trainer@bianmu.example.org", "培训师 李华", "PKU", [("cataloguer", None, None), ("trainer", None, None)]),
    ("expert@bianmu.example.org", "专家 陈静", "NJU", [("cataloguer", None, None), ("certified", "chinese", 2),
                                               ("expert", "consultation", None)]),
    ("qc@bianmu.example.org", "质控 赵强", "SJTU", [("cataloguer", None, None), ("certified", "western", 2),
                                           ("expert", "quality", None)]),
    ("libadmin@bianmu.example.org", "馆管理员 刘洋", "WHU", [("cataloguer", None, None), ("library_admin", None, None)]),
    ("certified@bianmu.example.org", "编目员 张伟", "WHU", [("cataloguer", None, None), ("certified", "chinese", 3)]),
    ("western@bianmu.example.org", "编目员 周婷", "WHU", [("cataloguer", None, None), ("certified", "western", 3)]),
    ("cataloguer@bianmu.example.org", "编目员 孙丽", "WHU", [("cataloguer", None, None)]),
]

AGREEMENTS = [
    ("service", "2023.1", "联机合作编目中心服务协议", "Cooperative Cataloguing Centre Service Agreement",
     date(2023, 1, 1),
     "一、中心为成员馆提供联合目录检索、套录、上传、培训与咨询服务。\n"
     "二、成员馆指定联系人，负责本馆用户管理，并保证账户仅供本馆编目人员使用。\n"
     "三、成员馆遵守中心发布的著录细则与数据质量要求。\n"
     "四、协议自签署之日起生效，任何一方可提前三个月书面终止。"),
    ("union_catalogue", "2023.1", "联合目录数据共建共享协议", "Union Catalogue Agreement",
     date(2023, 1, 1),
     "一、成员馆上传的原始编目记录纳入联合目录，供全体成员馆共享使用。\n"
     "二、上传记录由取得相应资格的编目员完成，中心按收费标准支付上传费用。\n"
     "三、在线下载在当年上传馆藏量的 120%（含）以内免费，超出部分按标准收费。\n"
     "四、成员馆不得将联合目录数据整体转让或用于商业目的。"),
]
