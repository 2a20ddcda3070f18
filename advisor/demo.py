"""Synthetic contract dataset: a seeded, realistic Weibo x Taobao influencer-commerce world."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# ---------------------------------------------------------------------------------------------
# Scales


@dataclass(frozen=True)
class Scale:
    """Sizes of one generated world; follows and clicks are targets, the realised counts vary."""

    influencers: int
    merchants: int
    products_per_merchant: int
    follows: int
    clicks: int
    posts_per_day: float
    campaign_share: float
    chunk_rows: int = 0  # > 0: fans and orders become folders of parts this big (bounded memory)
    fixed_roster: bool = False  # hand-picked categories and tiers, so a dozen accounts cover every case


SCALES: dict[str, Scale] = {
    "tiny": Scale(12, 3, 12, 5_000, 6_000, 0.35, 0.6, fixed_roster=True),
    "demo": Scale(200, 40, 50, 500_000, 1_000_000, 0.8, 0.35),
    "large": Scale(10_000, 400, 50, 20_000_000, 100_000_000, 0.8, 0.3, chunk_rows=4_000_000),
}

Progress = Callable[[float, str], None]

# ---------------------------------------------------------------------------------------------
# Time: every instant is int64 microseconds of Shanghai wall-clock (a naive timestamp); Shanghai
# has no DST, so the UTC instant is always 8 h earlier.

_US = 1_000_000
_MINUTE = 60 * _US
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_UTC_OFFSET = 8 * _HOUR
_NO_TIME = np.iinfo(np.int64).max  # "never", so that `t < unfollowed` holds for current fans


def _local_us(iso: str) -> int:
    return int(np.datetime64(iso, "us").astype(np.int64))


SPAN_START = _local_us("2026-05-01T00:00:00")
SPAN_END = _local_us("2026-11-01T00:00:00")  # exclusive: the last event is 2026-10-31 23:59:59.x
_HISTORY_START = _local_us("2023-01-01T00:00:00")
_SPAN_DAYS = (SPAN_END - SPAN_START) // _DAY
_MONTHS = [str(m) for m in np.arange(np.datetime64("2026-05", "M"), np.datetime64("2026-11", "M"))]
_BASELINE_DAYS = 28  # campaigns start after four ordinary weeks, so a same-hours baseline exists

# Shanghai activity by hour (evening peak 20-23) and by weekday (Mon..Sun, weekends higher).
_HOUR_W = np.array([.50, .25, .12, .08, .06, .08, .20, .40, .55, .60, .65, .70,
                    .90, .80, .65, .65, .70, .75, .85, 1.0, 1.35, 1.50, 1.40, 1.00])
_DOW_W = np.array([.95, .93, .95, .97, 1.05, 1.20, 1.15])
_ACTIVITY = (_DOW_W[:, None] * _HOUR_W[None, :]).ravel() / (_DOW_W.max() * _HOUR_W.max())
_POST_HOUR_W = np.array([.20, .10, .03, .03, .03, .03, .15, .40, .70, .80, .90, 1.0,
                         1.2, .90, .70, .70, .80, .90, 1.1, 1.3, 1.5, 1.4, 1.0, .60])
_LIVE_HOUR_W = np.zeros(24)
_LIVE_HOUR_W[[12, 19, 20, 21, 22]] = [.1, .5, 1.0, .9, .4]

# ---------------------------------------------------------------------------------------------
# Vocabulary of the contract and of the simulated audience

CATEGORIES = ("fashion", "beauty", "acg", "baby", "pets", "military", "food", "fitness", "travel", "emotion",
              "digital", "other")
_CAT_W = np.array([.20, .17, .05, .08, .07, .04, .10, .06, .05, .06, .07, .05])
_FEMALE = np.array([.86, .89, .55, .86, .70, .12, .60, .58, .60, .72, .27, .50])
_AGE_MEAN = np.array([27, 26, 21, 30.5, 28, 33, 29, 28, 30, 25, 28, 31])
_AGE_SD = np.array([6, 5, 2.6, 2.8, 6, 10, 8, 6, 7, 6, 7, 10])
_IOS = np.array([.50, .56, .45, .47, .45, .30, .40, .45, .52, .45, .50, .36])
_REFUND = np.array([.16, .08, .06, .07, .06, .07, .05, .08, .09, .07, .09, .07])
_PRICE_MEDIAN = np.array([159, 129, 89, 129, 69, 149, 39, 99, 129, 59, 199, 39])

TIERS = ("head", "waist", "tail")
ACCOUNT_TYPES = ("shop_owner", "guide_blogger", "enterprise", "media")
CONTENT_TYPES = ("text", "image", "long_article", "video", "live")
_CT_P = np.array([.12, .45, .06, .27, .10])
_CT_CLICK = np.array([.6, 1.0, .8, 1.3, 1.8])  # click propensity per post
_CT_CTR = np.array([.7, 1.0, .8, 1.2, 1.6])
_CT_READ = np.array([1.2, 1.0, .6, 1.6, 1.3])
_CT_CVR = np.array([.018, .032, .030, .055, .080])  # video and live sell better than text
CAMPAIGN_PRODUCTS = ("fan_headline", "passerby_to_fan", "account_recommend", "delegated_headline")
_FAN_HEADLINE, _PASSERBY, _ACCOUNT_RECOMMEND, _DELEGATED = range(4)
CHANNELS = ("organic",) + CAMPAIGN_PRODUCTS  # channel code = campaign product code + 1
SOURCES = ("organic", "fan_headline", "passerby_to_fan", "account_recommend", "other")
DEVICES = ("ios", "android", "pc", "other")
GENDERS = ("f", "m")
SHOP_TYPES = ("taobao", "tmall", "other")
ORDER_STATUS = ("paid", "refunded")

# 32 interest tags so that a user's tags fit one uint32 bitmask: the category codes (without
# "other") and free tags; each category has three related free tags.
_FREE_TAGS = ("护肤", "彩妆", "穿搭", "猫", "狗", "健身", "减脂", "游戏", "动漫", "摄影", "美食探店", "烘焙",
              "育儿", "旅行攻略", "手机", "汽车", "电影", "音乐", "读书", "星座", "理财")
TAGS = CATEGORIES[:-1] + _FREE_TAGS
_RELATED = {"fashion": ("穿搭", "彩妆", "摄影"), "beauty": ("护肤", "彩妆", "穿搭"), "acg": ("动漫", "游戏", "音乐"),
            "baby": ("育儿", "烘焙", "读书"), "pets": ("猫", "狗", "摄影"), "military": ("汽车", "电影", "游戏"),
            "food": ("美食探店", "烘焙", "旅行攻略"), "fitness": ("健身", "减脂", "音乐"),
            "travel": ("旅行攻略", "摄影", "美食探店"), "emotion": ("星座", "电影", "读书"),
            "digital": ("手机", "游戏", "汽车"), "other": ("电影", "音乐", "理财")}
_REL_IDX = np.array([[TAGS.index(t) for t in _RELATED[c]] for c in CATEGORIES])
_OWN_TAG = np.array([TAGS.index(c) if c in TAGS else TAGS.index(_RELATED[c][0]) for c in CATEGORIES])

# Province-level regions (short names) with an online-shopping weight, and a few cities each as
# (name, tier): tier 1 一线 .. 5 四线及以下, 0 where the mainland tiering does not apply.
_PROVINCES: dict[str, tuple[float, tuple[tuple[str | None, int], ...]]] = {
    "广东": (12.0, (("广州", 1), ("深圳", 1), ("东莞", 2), ("佛山", 3), ("惠州", 3), ("珠海", 3), ("汕头", 4),
                   ("湛江", 4), ("梅州", 5))),
    "江苏": (8.0, (("苏州", 2), ("南京", 2), ("无锡", 2), ("常州", 3), ("南通", 3), ("徐州", 3), ("扬州", 4),
                  ("盐城", 4), ("宿迁", 5))),
    "浙江": (8.0, (("杭州", 2), ("宁波", 2), ("温州", 3), ("金华", 3), ("嘉兴", 3), ("湖州", 4), ("丽水", 5))),
    "山东": (6.5, (("青岛", 2), ("济南", 3), ("烟台", 3), ("潍坊", 3), ("临沂", 3), ("济宁", 4), ("菏泽", 4))),
    "河南": (6.0, (("郑州", 2), ("洛阳", 3), ("南阳", 4), ("新乡", 4), ("商丘", 4), ("周口", 5))),
    "四川": (5.5, (("成都", 2), ("绵阳", 4), ("宜宾", 4), ("南充", 4), ("达州", 5))),
    "上海": (4.5, (("上海", 1),)),
    "北京": (4.5, (("北京", 1),)),
    "河北": (4.5, (("石家庄", 3), ("保定", 3), ("唐山", 3), ("邯郸", 4), ("廊坊", 4), ("沧州", 4), ("衡水", 5))),
    "湖北": (4.0, (("武汉", 2), ("宜昌", 4), ("襄阳", 4), ("荆州", 4), ("黄冈", 5))),
    "湖南": (4.0, (("长沙", 2), ("株洲", 4), ("衡阳", 4), ("岳阳", 4), ("常德", 4), ("邵阳", 5))),
    "安徽": (4.0, (("合肥", 2), ("芜湖", 3), ("阜阳", 4), ("蚌埠", 4), ("六安", 5))),
    "福建": (3.5, (("厦门", 3), ("福州", 3), ("泉州", 3), ("漳州", 4), ("莆田", 4))),
    "陕西": (3.0, (("西安", 2), ("咸阳", 4), ("宝鸡", 4), ("榆林", 4), ("汉中", 5))),
    "辽宁": (3.0, (("沈阳", 3), ("大连", 3), ("鞍山", 4), ("锦州", 4))),
    "江西": (3.0, (("南昌", 3), ("赣州", 3), ("九江", 4), ("上饶", 4), ("宜春", 5))),
    "广西": (3.0, (("南宁", 3), ("柳州", 3), ("桂林", 3), ("玉林", 4), ("百色", 5))),
    "重庆": (2.5, (("重庆", 2),)),
    "云南": (2.5, (("昆明", 3), ("曲靖", 4), ("大理", 4), ("红河", 5))),
    "山西": (2.2, (("太原", 3), ("大同", 4), ("运城", 4), ("临汾", 4))),
    "贵州": (2.0, (("贵阳", 3), ("遵义", 3), ("毕节", 5))),
    "黑龙江": (2.0, (("哈尔滨", 3), ("大庆", 4), ("齐齐哈尔", 4), ("牡丹江", 5))),
    "天津": (1.5, (("天津", 2),)),
    "吉林": (1.5, (("长春", 3), ("吉林", 4), ("延边", 5))),
    "内蒙古": (1.3, (("呼和浩特", 3), ("包头", 3), ("鄂尔多斯", 4), ("赤峰", 5))),
    "新疆": (1.2, (("乌鲁木齐", 3), ("昌吉", 5), ("伊犁", 5), ("喀什", 5))),
    "甘肃": (1.2, (("兰州", 3), ("天水", 5), ("庆阳", 5))),
    "海南": (0.8, (("海口", 3), ("三亚", 4))),
    "宁夏": (0.4, (("银川", 3), ("吴忠", 5))),
    "青海": (0.3, (("西宁", 3), ("海东", 5))),
    "西藏": (0.2, (("拉萨", 4), ("日喀则", 5))),
    "香港": (0.4, (("香港", 0),)),
    "澳门": (0.1, (("澳门", 0),)),
    "台湾": (0.3, (("台北", 0), ("高雄", 0))),
    "海外": (1.3, ((None, 0),)),
}
_TIER_CITY_W = {0: 1.0, 1: 6.0, 2: 3.5, 3: 2.0, 4: 1.5, 5: 3.0}  # tier-5 entries stand for many small cities
_PROV_NAMES = tuple(_PROVINCES)
_CITY_NAMES = tuple(c for _, cs in _PROVINCES.values() for c, _ in cs)
_CITY_PROV = np.array([i for i, (_, cs) in enumerate(_PROVINCES.values()) for _ in cs])
_CITY_TIER = np.array([t for _, cs in _PROVINCES.values() for _, t in cs])
_CITY_CUM = np.cumsum([w * _TIER_CITY_W[t] / sum(_TIER_CITY_W[u] for _, u in cs)
                       for w, cs in _PROVINCES.values() for _, t in cs])

# Words for names and titles.
_NAME_PREFIX = ("小", "阿", "大", "老", "胖", "萌萌", "甜甜", "一只", "是", "超爱", "今天也要", "不吃香菜的", "会飞的",
                "爱吃鱼的", "橘子", "柠檬", "桃子", "糖糖", "菜菜", "可乐", "奶茶", "月亮", "林间", "北北")
_NAME_CORE = {"fashion": ("穿搭", "衣橱", "搭配", "时髦精", "小个子穿搭", "衣品"),
              "beauty": ("美妆", "护肤", "彩妆", "化妆师", "素颜", "口红控"),
              "acg": ("二次元", "动漫", "cos", "番剧", "宅", "手办"),
              "baby": ("宝妈", "育儿", "辣妈", "奶爸", "萌娃", "母婴"),
              "pets": ("铲屎官", "喵", "汪", "猫奴", "柯基", "布偶"),
              "military": ("军迷", "兵器", "强军", "战鹰", "老兵", "军事"),
              "food": ("吃货", "美食", "探店", "厨房", "烘焙", "干饭人"),
              "fitness": ("健身", "减脂", "瑜伽", "跑者", "撸铁", "马甲线"),
              "travel": ("旅行", "背包客", "游记", "去远方", "自驾", "旅拍"),
              "emotion": ("情感", "树洞", "心理", "恋爱", "治愈", "晚安"),
              "digital": ("数码", "科技", "极客", "评测", "玩机", "手机"),
              "other": ("生活", "日常", "好物", "种草", "碎碎念", "分享")}
_NAME_SUFFIX = ("", "", "酱", "日记", "君", "同学", "姐", "哥", "的日常", "研究所", "在路上", "小屋", "说", "本人")
_EMOJI = ("🐱", "💄", "✨", "🌸", "🍑", "🔥", "🎀", "🐶", "🍜", "💪", "✈️", "📱", "🌙", "💕", "🎮")
_ASCII = ("Lily", "Coco", "Momo", "Kiki", "Amy", "Leo", "Vivi", "Joy", "Tony", "Yoyo")
_TITLE_HOOK = ("", "今日分享｜", "合集｜", "挖到宝了！", "真心推荐：", "避雷+种草｜", "跟我一起", "手把手教你", "")
_TITLE_TOPIC = {"fashion": ("秋冬通勤穿搭", "小个子显高穿搭", "一周不重样OOTD", "微胖女孩穿搭", "早秋叠穿"),
                "beauty": ("早八快速出门妆", "敏感肌护肤流程", "平价口红试色", "油皮夏日底妆", "空瓶记"),
                "acg": ("新番安利", "漫展返图", "手办开箱", "cos妆面教程", "周边拆袋"),
                "baby": ("宝宝辅食日记", "待产包清单", "新手妈妈避坑", "绘本推荐", "宝宝睡眠引导"),
                "pets": ("猫咪挑食怎么办", "新手养狗必备", "主子的日常", "猫粮测评", "遛狗好物"),
                "military": ("装备解析", "军迷收藏", "阅兵回顾", "户外生存技巧", "战术装备开箱"),
                "food": ("深夜食堂", "十分钟快手菜", "本地探店", "零食测评", "减脂餐做法"),
                "fitness": ("居家燃脂训练", "跑步入门", "减脂打卡第30天", "马甲线训练", "体态矫正"),
                "travel": ("云南自驾攻略", "周末短途游", "机票酒店省钱技巧", "小众旅行地", "旅拍穿搭"),
                "emotion": ("写给迷茫的你", "恋爱中的小事", "晚安故事", "情绪自救指南", "树洞来信"),
                "digital": ("新机上手体验", "百元耳机横评", "桌搭分享", "手机拍照技巧", "充电头选购指南"),
                "other": ("生活好物", "收纳技巧", "居家小妙招", "本周种草", "开箱分享")}
_TITLE_TAIL = ("", "～", "！", "（文末有福利）", " 🔥", " ✨", "，姐妹们冲", "（附链接）")
_BRAND = ("花", "语", "木", "子", "森", "米", "悦", "初", "禾", "兮", "蔻", "朵", "宜", "澜", "素", "欧", "岚", "可",
          "诗", "贝", "安", "达", "星", "源", "麦", "橙", "野", "川")
_SHOP_WORD = ("服饰", "美妆", "动漫周边", "母婴", "宠物", "户外军品", "食品", "运动", "旅行用品", "生活馆", "数码",
              "家居")
_SHOP_SUFFIX = (("旗舰店", 1), ("官方旗舰店", 1), ("专营店", 1), ("小铺", 0), ("的店", 0), ("优选店", 0),
                ("工作室", 0))
_PRODUCT_NOUN = {"fashion": ("连衣裙", "针织开衫", "阔腿裤", "牛仔外套", "衬衫", "半身裙", "卫衣", "羊毛大衣"),
                 "beauty": ("精华液", "口红", "气垫粉底", "面膜", "防晒霜", "眼影盘", "卸妆油", "面霜"),
                 "acg": ("手办", "徽章套装", "抱枕", "周边立牌", "cos服", "漫画全集"),
                 "baby": ("纸尿裤", "婴儿推车", "奶瓶", "辅食机", "儿童绘本", "安抚玩具"),
                 "pets": ("猫粮", "狗粮", "猫砂", "冻干零食", "宠物窝", "逗猫棒"),
                 "military": ("战术背包", "军迷手表", "户外军靴", "战术手电", "坦克模型", "迷彩外套"),
                 "food": ("螺蛳粉", "坚果礼盒", "牛肉干", "自热火锅", "咖啡豆", "鲜花饼"),
                 "fitness": ("瑜伽垫", "蛋白粉", "跳绳", "弹力带", "运动内衣", "筋膜枪"),
                 "travel": ("行李箱", "旅行收纳袋", "颈枕", "充电宝", "防晒衣", "登山杖"),
                 "emotion": ("香薰蜡烛", "手账本", "情侣对戒", "星空灯", "心理学书", "助眠喷雾"),
                 "digital": ("蓝牙耳机", "手机壳", "充电器", "机械键盘", "智能手表", "平板支架"),
                 "other": ("收纳盒", "保温杯", "雨伞", "抽纸", "洗衣凝珠", "桌面风扇")}
_PRODUCT_ADJ = ("", "", "新款", "爆款", "小众", "ins风", "学生党平价", "官方正品", "限定款", "加厚", "便携", "网红同款",
                "2026秋季新品")

# ---------------------------------------------------------------------------------------------
# Output schemas (the contract's types, written exactly)

_TS = pa.timestamp("us")
_TS_UTC = pa.timestamp("us", tz="UTC")
_MONEY = pa.decimal128(14, 2)
SCHEMAS: dict[str, pa.Schema] = {
    "influencers": pa.schema([("influencer_id", pa.int64()), ("name", pa.string()), ("category", pa.string()),
                              ("tier", pa.string()), ("account_type", pa.string()), ("mcn_id", pa.int64()),
                              ("created_at", _TS)]),
    "fans": pa.schema([("influencer_id", pa.int64()), ("fan_id", pa.int64()), ("followed_at", _TS),
                       ("unfollowed_at", _TS), ("gender", pa.string()), ("birth_year", pa.int16()),
                       ("province", pa.string()), ("city", pa.string()), ("city_tier", pa.int16()),
                       ("device", pa.string()), ("interests", pa.list_(pa.string())), ("source", pa.string())]),
    "posts": pa.schema([("post_id", pa.int64()), ("influencer_id", pa.int64()), ("posted_at", _TS),
                        ("content_type", pa.string()), ("category", pa.string()), ("title", pa.string()),
                        ("product_ids", pa.list_(pa.int64())), ("impressions", pa.int64()), ("reads", pa.int64()),
                        ("reposts", pa.int64()), ("comments", pa.int64()), ("likes", pa.int64())]),
    "clicks": pa.schema([("clicked_at", _TS), ("user_id", pa.int64()), ("post_id", pa.int64()),
                         ("product_id", pa.int64()), ("channel", pa.string()), ("campaign_id", pa.int64()),
                         ("device", pa.string())]),
    "orders": pa.schema([("order_id", pa.int64()), ("ordered_at", _TS_UTC), ("user_id", pa.int64()),
                         ("product_id", pa.int64()), ("quantity", pa.int32()), ("amount", _MONEY),
                         ("status", pa.string()), ("refunded_at", _TS_UTC)]),
    "campaigns": pa.schema([("campaign_id", pa.int64()), ("product", pa.string()), ("influencer_id", pa.int64()),
                            ("post_id", pa.int64()), ("buyer_merchant_id", pa.int64()), ("start_at", _TS),
                            ("end_at", _TS), ("spend", _MONEY), ("impressions", pa.int64())]),
    "products": pa.schema([("product_id", pa.int64()), ("merchant_id", pa.int64()), ("title", pa.string()),
                           ("category", pa.string()), ("price", _MONEY), ("commission_rate", pa.float64())]),
    "merchants": pa.schema([("merchant_id", pa.int64()), ("name", pa.string()), ("shop_type", pa.string())]),
}
_TRUTH_SCHEMAS = {
    "campaign_lift": pa.schema([("campaign_id", pa.int64()), ("true_incremental_orders", pa.int64()),
                                ("true_incremental_gmv", _MONEY)]),
    "bot_bursts": pa.schema([("influencer_id", pa.int64()), ("burst_start", _TS), ("burst_end", _TS),
                             ("n_fans", pa.int64())]),
}
_TRUTH_README = """# Ground truth of this generated dataset (not a table of the contract)

`campaign_lift.parquet` holds, per campaign, the orders and GMV (refunds included, as `gmv` counts them) that the
generator added only because the campaign ran: orders from the extra paid clicks it created, beyond the organic
orders the influencer would have produced anyway (paid clicks that merely relabelled organic ones add nothing), so
an incrementality estimate can be checked against it. `bot_bursts.parquet` lists the planted bot-follow bursts:
the influencer, the local (Asia/Shanghai, naive) window in which the burst's follows arrived, and how many bot
follows it holds; those bot accounts never click or order.
"""

# ---------------------------------------------------------------------------------------------
# Public entry point


def generate(out: Path | str, scale: str = "demo", seed: int = 0, progress: Progress | None = None) -> Path:
    """Write a complete contract dataset into the new folder `out` and return its path.

    Same seed and scale give the same data. `out` must not exist (an empty folder is accepted); the
    dataset is built in a temporary sibling and renamed into place, so a failure leaves nothing behind.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; known: {', '.join(SCALES)}")
    return _generate(Path(out), SCALES[scale], seed, progress)


def _generate(out: Path, spec: Scale, seed: int, progress: Progress | None = None) -> Path:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"{out} exists and is not empty; the demo generator only writes a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp is private (0700); the app may run as another user
        _World(spec, seed, tmp, progress).build()
        # rename() replaces at most an empty directory, so a folder filled meanwhile is never clobbered.
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


# ---------------------------------------------------------------------------------------------
# Arrow helpers


def _ts(us: np.ndarray, null: np.ndarray | None = None, tz: str | None = None) -> pa.Array:
    return pa.array(us, type=pa.timestamp("us", tz=tz), mask=null)


def _int(values: np.ndarray, typ: pa.DataType, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, type=typ, mask=null)


def _take(vocab: tuple[str | None, ...], codes: np.ndarray) -> pa.Array:
    """Strings from small integer codes; a negative code is null."""
    null = codes < 0
    idx = pa.array(np.where(null, 0, codes).astype(np.int32), mask=null)
    return pa.array(vocab, pa.string()).take(idx)


def _money(cents: np.ndarray) -> pa.Array:
    """DECIMAL(14,2) straight from integer cents: exact, no float rounding on the way."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    words = np.empty((len(cents), 2), dtype=np.int64)  # little-endian 128-bit two's complement
    words[:, 0] = cents
    words[:, 1] = cents >> 63
    return pa.Array.from_buffers(_MONEY, len(cents), [None, pa.py_buffer(words)])


def _list(offsets: np.ndarray, values: pa.Array, null: np.ndarray) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values, mask=pa.array(null))


def _interest_lists(masks: np.ndarray) -> pa.Array:
    """list<string> from uint32 tag bitmasks; 0 means unknown (null)."""
    bits = ((masks[:, None] >> np.arange(32, dtype=np.uint32)) & 1).astype(bool)
    _, cols = np.nonzero(bits)
    offsets = np.zeros(len(masks) + 1, np.int64)
    np.cumsum(bits.sum(1), out=offsets[1:])
    return _list(offsets, _take(TAGS, cols), masks == 0)


def _dictionary_columns(schema: pa.Schema) -> list[str]:
    """Dictionary-encode the few-valued string columns only: on ids and times it costs time for nothing."""
    return [f.name + (".list.element" if pa.types.is_list(f.type) else "") for f in schema
            if f.type == pa.string() or f.type == pa.list_(pa.string())]


def _write(path: Path, schema: pa.Schema, columns: dict[str, pa.Array]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_arrays([columns[f.name] for f in schema], schema=schema)
    pq.write_table(table, path, compression="zstd", use_dictionary=_dictionary_columns(schema))


def _ids(rng: np.random.Generator, n: int, base: int, max_gap: int) -> np.ndarray:
    """Increasing, unique, irregular ids that look like a platform's."""
    return base + np.cumsum(rng.integers(1, max_gap, n, dtype=np.int64))


def _block_pick(rng: np.random.Generator, cum: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Weighted draw of an index in [lo, hi) per row, from the global cumulative weights `cum`."""
    base = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
    x = base + rng.random(len(lo)) * (cum[hi - 1] - base)
    return np.clip(np.searchsorted(cum, x, side="right"), lo, hi - 1)


def _draw(rng: np.random.Generator, p: np.ndarray | list[float], n: int) -> np.ndarray:
    """n codes drawn with probabilities p (an inverse-CDF search: cheaper than choice() on big n)."""
    cdf = np.cumsum(p, dtype=float)
    return np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(n), side="right"), len(cdf) - 1)


def _uniform_pick(rng: np.random.Generator, lo: np.ndarray, n: np.ndarray) -> np.ndarray:
    return lo + (rng.random(len(lo)) * n).astype(np.int64)


def _month_of(t: np.ndarray) -> np.ndarray:
    months = t.view("datetime64[us]").astype("datetime64[M]") - np.datetime64(_MONTHS[0], "M")
    return months.astype(np.int64)


def _activity(t: np.ndarray) -> np.ndarray:
    """Relative activity (0..1) at local times t: hour-of-day times weekday rhythm."""
    days = t // _DAY
    hour = (t - days * _DAY) // _HOUR
    dow = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    return _ACTIVITY[dow * 24 + hour]


# ---------------------------------------------------------------------------------------------
# The world


class _World:
    """Builds the tables in dependency order and writes them as it goes, to keep memory bounded."""

    def __init__(self, spec: Scale, seed: int, root: Path, progress: Progress | None) -> None:
        self.s = spec
        self.rng = np.random.default_rng(seed)
        self.root = root
        self._progress = progress

    def report(self, fraction: float, message: str) -> None:
        if self._progress is not None:
            self._progress(min(max(fraction, 0.0), 1.0), message)

    def build(self) -> None:
        self.report(0.0, "merchants and products")
        self.merchants_products()
        self.report(0.05, "influencers")
        self.influencer_plan()
        self.report(0.08, "posts")
        self.posts()
        self.report(0.12, "campaigns")
        self.campaigns()
        self.report(0.15, "audiences")
        self.users()
        self.fans()
        self.influencers_write()
        self.posts_write()
        self.campaigns_write()
        self.report(0.3, "clicks and orders")
        self.clicks_and_orders()
        self.report(0.95, "orders")
        self.orders_write()
        self.report(1.0, "done")

    # -- products and merchants ---------------------------------------------------------------
    def merchants_products(self) -> None:
        rng, s = self.rng, self.s
        nm = s.merchants
        m_cat = rng.choice(len(CATEGORIES), nm, p=_CAT_W)
        self.merchant_id = _ids(rng, nm, 2_200_000_000, 1_000_000)
        brand = rng.integers(0, len(_BRAND), (nm, 2))
        suffix = rng.integers(0, len(_SHOP_SUFFIX), nm)
        names = [_BRAND[a] + _BRAND[b] + _SHOP_WORD[c] + _SHOP_SUFFIX[x][0]
                 for a, b, c, x in zip(brand[:, 0], brand[:, 1], m_cat, suffix, strict=True)]
        shop = np.array([_SHOP_SUFFIX[x][1] for x in suffix])
        shop[rng.random(nm) < 0.05] = 2  # a few independent sites and overseas shops
        _write(self.root / "merchants.parquet", SCHEMAS["merchants"], {
            "merchant_id": pa.array(self.merchant_id), "name": pa.array(names, pa.string()),
            "shop_type": _take(SHOP_TYPES, shop)})

        npr = max(nm * s.products_per_merchant, len(CATEGORIES))
        merchant = np.sort(rng.integers(0, nm, npr))
        cat = np.where(rng.random(npr) < 0.75, m_cat[merchant], rng.choice(len(CATEGORIES), npr, p=_CAT_W))
        cat[: len(CATEGORIES)] = np.arange(len(CATEGORIES))  # every category has something to link
        # Products are held sorted by category so that "a product of category c" is a block draw.
        order = np.lexsort((merchant, cat))
        merchant, cat = merchant[order], cat[order]
        self.prod_cat = cat
        self.prod_lo = np.searchsorted(cat, np.arange(len(CATEGORIES)))
        self.prod_hi = np.searchsorted(cat, np.arange(len(CATEGORIES)), side="right")
        self.prod_merchant = merchant
        self.prod_cum = np.cumsum(rng.pareto(1.2, npr) + 0.05)  # a few best-sellers, a long tail
        price = np.clip(rng.lognormal(np.log(_PRICE_MEDIAN[cat]), 0.75), 9.9, 2999.0)
        cents = np.floor(price).astype(np.int64) * 100 + np.where(rng.random(npr) < 0.7, 90, 0)
        self.prod_cents = np.clip(cents, 990, 299_900)
        self.prod_cvr = np.clip((self.prod_cents / 10_000) ** -0.25, 0.4, 1.6)  # dear things convert less
        self.prod_id = _ids(rng, npr, 600_000_000_000, 3_000_000)[rng.permutation(npr)]
        noun_lo = np.cumsum([0] + [len(_PRODUCT_NOUN[c]) for c in CATEGORIES])
        nouns = tuple(w for c in CATEGORIES for w in _PRODUCT_NOUN[c])
        noun = _uniform_pick(rng, noun_lo[cat], np.diff(noun_lo)[cat])
        brand = rng.integers(0, len(_BRAND), (npr, 2))
        title = pc.binary_join_element_wise(
            _take(_BRAND, brand[:, 0]), _take(_BRAND, brand[:, 1]),
            _take(_PRODUCT_ADJ, rng.integers(0, len(_PRODUCT_ADJ), npr)), _take(nouns, noun), "")
        commission = np.round(np.clip(rng.lognormal(np.log(0.12), 0.6, npr), 0.01, 0.5), 3)
        _write(self.root / "products.parquet", SCHEMAS["products"], {
            "product_id": pa.array(self.prod_id), "merchant_id": pa.array(self.merchant_id[merchant]),
            "title": title, "category": _take(CATEGORIES, cat), "price": _money(self.prod_cents),
            "commission_rate": pa.array(commission)})

    # -- influencers (plan: sizes, rows, categories; written once fans are known) -------------
    def influencer_plan(self) -> None:
        rng, s = self.rng, self.s
        n = s.influencers
        if s.fixed_roster:
            cats = ["beauty", "fashion", "military", "beauty", "baby", "acg", "digital", "food", "military", "pets",
                    "fitness", "travel"]
            tier = np.array([0, 0, 1, 1, 1] + [2] * (len(cats) - 5))
            cat = np.array([CATEGORIES.index(c) for c in cats])[np.arange(n) % len(cats)]
            tier = tier[np.arange(n) % len(cats)]
            lo, hi = np.array([6.1, 5.1, 3.3])[tier], np.array([7.3, 5.9, 4.9])[tier]
            log_fans = lo + rng.random(n) * (hi - lo)
        else:
            cat = rng.choice(len(CATEGORIES), n, p=_CAT_W)
            log_fans = np.clip(rng.normal(4.7, 0.85, n), 2.7, 7.6)  # lognormal: a few heads, many tails
        self.inf_cat = cat
        self.notional = np.round(10 ** log_fans).astype(np.int64)
        self.notional_tier = np.where(self.notional >= 1_000_000, 0, np.where(self.notional >= 100_000, 1, 2))
        self.size_pct = (np.argsort(np.argsort(log_fans, kind="stable"), kind="stable") + 0.5) / n
        # Written follow rows are a sample whose size still ranks accounts like their real fan counts.
        w = self.notional ** 0.45
        self.rows_target = np.maximum(20, np.round(s.follows * w / w.sum())).astype(np.int64)
        age = rng.random(n) * (1 - 0.6 * self.size_pct)  # big accounts tend to be older
        created = _HISTORY_START + (age * (SPAN_START - 30 * _DAY - _HISTORY_START)).astype(np.int64)
        self.inf_created = created // _MINUTE * _MINUTE
        # Weibo uids grow with registration time.
        by_age = np.argsort(self.inf_created, kind="stable")
        self.inf_id = np.empty(n, np.int64)
        self.inf_id[by_age] = _ids(rng, n, 1_000_000_000, 400_000)

    def influencers_write(self) -> None:
        rng, n = self.rng, self.s.influencers
        names = self._names(n)
        mcn_ids = _ids(rng, max(3, n // 30), 10_000, 500)
        mcn = mcn_ids[rng.integers(0, len(mcn_ids), n)]
        no_mcn = rng.random(n) < 0.6 - 0.4 * self.size_pct
        account = rng.choice(len(ACCOUNT_TYPES), n, p=[.25, .45, .12, .18])
        # Leave tier null where the contract's derivation from fans at the period end (on the rows
        # actually written) gives the same answer, so the rule is exercised without contradicting it.
        current = np.bincount(self.f_inf[self.f_unf == _NO_TIME], minlength=n)
        derived = np.where(current >= 1_000_000, 0, np.where(current >= 100_000, 1, 2))
        candidates = np.flatnonzero(derived == self.notional_tier)
        k = min(len(candidates), int(round(0.2 * n)))
        tier = self.notional_tier.copy()
        tier[rng.choice(candidates, k, replace=False)] = -1
        _write(self.root / "influencers.parquet", SCHEMAS["influencers"], {
            "influencer_id": pa.array(self.inf_id), "name": pa.array(names, pa.string()),
            "category": _take(CATEGORIES, self.inf_cat), "tier": _take(TIERS, tier),
            "account_type": _take(ACCOUNT_TYPES, account), "mcn_id": _int(mcn, pa.int64(), no_mcn),
            "created_at": _ts(self.inf_created)})

    def _names(self, n: int) -> list[str]:
        rng = self.rng
        r = rng.random((n, 5))
        pre = rng.integers(0, len(_NAME_PREFIX), n)
        core = rng.integers(0, 6, n)
        suf = rng.integers(0, len(_NAME_SUFFIX), n)
        emo = rng.integers(0, len(_EMOJI), (n, 2))
        asc = rng.integers(0, len(_ASCII), n)
        num = rng.integers(1, 100, n)
        names = []
        for i in range(n):  # one loop over accounts (not rows): string assembly reads best this way
            name = (_NAME_PREFIX[pre[i]] if r[i, 0] < 0.65 else "") + _NAME_CORE[CATEGORIES[self.inf_cat[i]]][core[i]]
            name += _NAME_SUFFIX[suf[i]]
            if r[i, 1] < 0.06:
                name = _ASCII[asc[i]] + name if r[i, 2] < 0.5 else name + "_" + _ASCII[asc[i]]
            if r[i, 3] < 0.2:
                name += str(num[i])
            if r[i, 4] < 0.15:
                name += _EMOJI[emo[i, 0]] + (_EMOJI[emo[i, 1]] if r[i, 2] < 0.3 else "")
            names.append(name)
        return names

    # -- posts --------------------------------------------------------------------------------
    def posts(self) -> None:
        rng, s = self.rng, self.s
        n_inf = s.influencers
        rate = s.posts_per_day * rng.lognormal(0, 0.45, n_inf) * (0.7 + 0.6 * self.size_pct)
        count = np.maximum(3, rng.poisson(rate * _SPAN_DAYS))
        inf = np.repeat(np.arange(n_inf), count)
        n = len(inf)
        ct = _draw(rng, _CT_P, n)
        day = SPAN_START + rng.integers(0, _SPAN_DAYS, n) * _DAY
        hour = np.where(ct == 4, _draw(rng, _LIVE_HOUR_W, n), _draw(rng, _POST_HOUR_W, n))
        t = day + hour * _HOUR + rng.integers(0, 3600, n) * _US
        # Posts live in time order: Weibo mids grow with time and months become contiguous slices.
        order = np.lexsort((inf, t))
        inf, ct, t = inf[order], ct[order], t[order]
        self.post_inf, self.post_ct, self.post_time = inf, ct, t
        self.post_id = _ids(rng, n, 5_100_000_000_000_000, 1 << 20)
        acat = self.inf_cat[inf]
        # category: null (= the author's) for most posts; sometimes spelled out, sometimes a side topic.
        r = rng.random(n)
        pcat = np.where(r < 0.1, acat, np.where(r < 0.15, _draw(rng, _CAT_W, n), -1))
        self.post_cat = pcat
        topic_cat = np.where(pcat >= 0, pcat, acat)
        # Linked products: null or empty for ~20%, else 1-3 products mostly of the post's topic.
        nlink = _draw(rng, [.2, .4, .25, .15], n)
        no_list = (nlink == 0) & (rng.random(n) < 0.5)
        slots = np.repeat(np.arange(n), nlink)
        scat = np.where(rng.random(len(slots)) < 0.9, topic_cat[slots], _draw(rng, _CAT_W, len(slots)))
        prod = _block_pick(rng, self.prod_cum, self.prod_lo[scat], self.prod_hi[scat])
        # The same product twice in one post collapses to one link.
        dup = np.zeros(len(slots), bool)
        same_post = slots[1:] == slots[:-1]
        dup[1:] = same_post & (prod[1:] == prod[:-1])
        dup[2:] |= (slots[2:] == slots[:-2]) & (prod[2:] == prod[:-2])
        slots, prod = slots[~dup], prod[~dup]
        self.post_plen = np.bincount(slots, minlength=n)
        self.post_poff = np.zeros(n + 1, np.int64)
        np.cumsum(self.post_plen, out=self.post_poff[1:])
        self.pflat = prod
        self.post_no_list = no_list
        # (product, post) pairs for "another post linking the same product" (click ties).
        pp = np.lexsort((slots, prod))
        self.pp_post = slots[pp]
        self.pp_lo = np.searchsorted(prod[pp], np.arange(len(self.prod_cum)))
        self.pp_n = np.searchsorted(prod[pp], np.arange(len(self.prod_cum)), side="right") - self.pp_lo

        # Organic click expectation per post: bigger audience, livelier format, plus post luck.
        hidden = rng.random(n) < 0.015  # deleted or throttled before anyone saw it
        lam = self.rows_target[inf] ** 0.9 * _CT_CLICK[ct] * rng.lognormal(-0.32, 0.8, n)
        lam[hidden] = 0
        clickable = lam * (self.post_plen > 0)
        lam_scale = s.clicks / max(clickable.sum(), 1e-9)
        self.post_nclick = rng.poisson(clickable * lam_scale)
        ctr = np.clip(rng.lognormal(np.log(0.015), 0.35, n) * _CT_CTR[ct], 0.001, 0.2)
        self.post_imp = np.round(lam * lam_scale / ctr).astype(np.int64)
        self.read_rate = np.clip(rng.lognormal(np.log(0.08), 0.4, n) * _CT_READ[ct], 0.005, 0.6)
        self.exp_orders = float((clickable * lam_scale * _CT_CVR[ct]).sum())

    def posts_write(self) -> None:
        rng = self.rng
        n = len(self.post_inf)
        imp = self.post_imp
        reads = np.round(imp * self.read_rate).astype(np.int64)
        likes = np.round(reads * rng.lognormal(np.log(0.05), 0.6, n)).astype(np.int64)
        comments = np.round(likes * rng.lognormal(np.log(0.15), 0.5, n)).astype(np.int64)
        reposts = np.round(likes * rng.lognormal(np.log(0.08), 0.7, n)).astype(np.int64)
        topic_cat = np.where(self.post_cat >= 0, self.post_cat, self.inf_cat[self.post_inf])
        per_cat = [[h + tp + tl for h in _TITLE_HOOK for tp in _TITLE_TOPIC[c] for tl in _TITLE_TAIL]
                   for c in CATEGORIES]
        vocab = tuple(x for v in per_cat for x in v)
        lo = np.cumsum([0] + [len(v) for v in per_cat])
        title = _uniform_pick(rng, lo[topic_cat], np.diff(lo)[topic_cat])
        title[rng.random(n) < 0.08] = -1
        products = _list(self.post_poff, pa.array(self.prod_id[self.pflat]), self.post_no_list)
        _write(self.root / "posts.parquet", SCHEMAS["posts"], {
            "post_id": pa.array(self.post_id), "influencer_id": pa.array(self.inf_id[self.post_inf]),
            "posted_at": _ts(self.post_time), "content_type": _take(CONTENT_TYPES, self.post_ct),
            "category": _take(CATEGORIES, self.post_cat), "title": _take(vocab, title), "product_ids": products,
            "impressions": pa.array(imp), "reads": pa.array(reads), "reposts": pa.array(reposts),
            "comments": pa.array(comments), "likes": pa.array(likes)})

    # -- campaigns ----------------------------------------------------------------------------
    def campaigns(self) -> None:
        rng, s = self.rng, self.s
        n_inf = s.influencers
        has = rng.random(n_inf) < np.clip(s.campaign_share * (0.5 + self.size_pct), 0, 0.95)
        k = np.where(has, 1 + rng.poisson(1.0 + 2.0 * self.size_pct), 0)
        c_inf = np.repeat(np.arange(n_inf), k)
        nc = len(c_inf)
        prod = rng.choice(4, nc, p=[.5, .2, .15, .15])
        prod[: min(4, nc)] = np.arange(min(4, nc))  # every product shows up even in a tiny world
        # A promoted post: with products, seen, and late enough for four ordinary weeks before it.
        elig = np.flatnonzero((self.post_plen > 0) & (self.post_imp > 0)
                              & (self.post_time >= SPAN_START + _BASELINE_DAYS * _DAY)
                              & (self.post_time < SPAN_END - 2 * _DAY))
        e = elig[np.argsort(self.post_inf[elig], kind="stable")]
        e_lo = np.searchsorted(self.post_inf[e], np.arange(n_inf))
        e_n = np.searchsorted(self.post_inf[e], np.arange(n_inf), side="right") - e_lo
        prod[(prod != _ACCOUNT_RECOMMEND) & (e_n[c_inf] == 0)] = _ACCOUNT_RECOMMEND
        on_post = prod != _ACCOUNT_RECOMMEND
        post = np.full(nc, -1)
        post[on_post] = e[_uniform_pick(rng, e_lo[c_inf[on_post]], e_n[c_inf[on_post]])]
        start = np.where(on_post, self.post_time[np.maximum(post, 0)] + (rng.random(nc) * 12 * _HOUR).astype(np.int64),
                         SPAN_START + _BASELINE_DAYS * _DAY
                         + rng.integers(0, _SPAN_DAYS - _BASELINE_DAYS - 1, nc) * _DAY
                         + rng.integers(9, 22, nc) * _HOUR)
        # Windows are cut at the span end: a twin starting inside one then starts inside the span too.
        end = np.minimum(start + rng.integers(1, 8, nc) * _DAY, SPAN_END - _MINUTE)
        # Twins: a second campaign on the same post inside the first one's window (overlap).
        cand = np.flatnonzero(on_post)
        n_twin = min(len(cand), max(1, int(round(0.12 * len(cand))))) if len(cand) else 0
        tw = rng.choice(cand, n_twin, replace=False) if n_twin else np.zeros(0, np.int64)
        tw_start = start[tw] + (rng.uniform(0.1, 0.7, n_twin) * (end[tw] - start[tw])).astype(np.int64)
        c_inf = np.concatenate([c_inf, c_inf[tw]])
        post = np.concatenate([post, post[tw]])
        prod = np.concatenate([prod, np.where(rng.random(n_twin) < 0.5, _DELEGATED, _FAN_HEADLINE)])
        start = np.concatenate([start, tw_start])
        end = np.concatenate([end, np.minimum(tw_start + rng.integers(1, 4, n_twin) * _DAY, SPAN_END - _MINUTE)])
        start = start // _MINUTE * _MINUTE
        end = end // _MINUTE * _MINUTE
        order = np.lexsort((c_inf, start))
        c_inf, post, prod, start, end = c_inf[order], post[order], prod[order], start[order], end[order]
        nc = len(c_inf)
        self.c_inf, self.c_post, self.c_prod, self.c_start, self.c_end = c_inf, post, prod, start, end
        self.c_id = _ids(rng, nc, 880_000_000, 5_000)
        # A merchant buys a headline for a post that features its product.
        first_prod = self.pflat[self.post_poff[np.maximum(post, 0)]]
        self.c_buyer = np.where(prod == _DELEGATED, self.prod_merchant[first_prod], -1)

        rows = self.rows_target[c_inf].astype(float)
        imp = np.round(rows * rng.lognormal(np.log(4.0), 0.6, nc) * np.array([1.0, 1.3, 1.5, 1.0])[prod], -1)
        imp = np.maximum(imp, 200).astype(np.int64)
        cpm = rng.uniform(*np.array([[8, 25], [12, 35], [15, 40], [8, 25]])[prod].T)
        spend = np.round(imp * cpm / 10).astype(np.int64)  # cents
        r = rng.random(nc)
        zero_imp, zero_spend = r < 0.04, (r >= 0.04) & (r < 0.09)  # undelivered / free trial
        if nc >= 3:
            zero_imp[0], zero_spend[1] = True, True
            zero_spend[0], zero_imp[1] = False, False
        imp[zero_imp] = 0
        spend[zero_spend] = 0
        self.c_imp, self.c_spend = imp, spend
        # Paid clicks = extra ones (what the money added) + relabelled organic ones (what it did
        # not add); the mix differs per campaign and is ~all relabelling for some.
        cannibal = np.where(rng.random(nc) < 0.2, rng.uniform(0.95, 1.0, nc), rng.beta(2, 3, nc))
        ctr = rng.lognormal(np.log(0.02), 0.5, nc) * np.where(prod == _PASSERBY, 0.7, 1.0)
        on = post >= 0
        self.c_extra = np.where(on, rng.poisson(imp * ctr * (1 - cannibal)), 0)
        self.c_relabel = np.where(on & (imp > 0), 0.3 + 0.6 * cannibal, 0.0)
        follow_rate = rng.lognormal(np.log(np.array([0.001, 0.004, 0.01, 0.001])[prod]), 0.5)
        self.c_follows = rng.poisson(imp * follow_rate)
        self.post_imp = self.post_imp.copy()
        np.add.at(self.post_imp, post[on], imp[on])
        # Campaign posts grouped for the "is this click inside a campaign window" lookup.
        cp = np.flatnonzero(on)
        self.cp = cp[np.argsort(post[cp], kind="stable")]
        self.cp_post = post[self.cp]
        self.cp_mult = int(np.max(np.unique(self.cp_post, return_counts=True)[1])) if len(cp) else 0
        self.post_promoted = np.zeros(len(self.post_time), bool)
        self.post_promoted[self.cp_post] = True

    def campaigns_write(self) -> None:
        _write(self.root / "campaigns.parquet", SCHEMAS["campaigns"], {
            "campaign_id": pa.array(self.c_id), "product": _take(CAMPAIGN_PRODUCTS, self.c_prod),
            "influencer_id": pa.array(self.inf_id[self.c_inf]),
            "post_id": _int(self.post_id[np.maximum(self.c_post, 0)], pa.int64(), self.c_post < 0),
            "buyer_merchant_id": _int(self.merchant_id[np.maximum(self.c_buyer, 0)], pa.int64(), self.c_buyer < 0),
            "start_at": _ts(self.c_start), "end_at": _ts(self.c_end), "spend": _money(self.c_spend),
            "impressions": pa.array(self.c_imp)})

    # -- users: per-category pools, campaign newcomers, lurkers, bots ---------------------------
    def users(self) -> None:
        rng, s = self.rng, self.s
        nc = len(CATEGORIES)
        rows_c = np.bincount(self.inf_cat, weights=self.rows_target, minlength=nc)
        max_c = np.zeros(nc)
        np.maximum.at(max_c, self.inf_cat, self.rows_target)
        # Users follow ~2 accounts of their category on average: audiences overlap within it.
        pool_n = np.maximum.reduce([rows_c / 2.5, 1.6 * max_c, np.full(nc, 100.0)]).astype(np.int64)
        new_n = np.bincount(self.inf_cat[self.c_inf], weights=self.c_follows, minlength=nc).astype(np.int64)
        lurk_n = int(0.25 * pool_n.sum())
        # Bot bursts: ~5% of accounts (at least two), hundreds of follows within 10-30 minutes.
        nb = min(s.influencers, max(2, int(round(0.05 * s.influencers))))
        self.b_inf = np.sort(rng.choice(s.influencers, nb, replace=False))
        self.b_n = np.clip(np.round(self.rows_target[self.b_inf] * rng.uniform(0.15, 0.4, nb)), 120, 900).astype(
            np.int64)
        day = SPAN_START + rng.integers(14, _SPAN_DAYS - 2, nb) * _DAY
        self.b_start = day + rng.integers(0, 24 * 60, nb) * _MINUTE
        self.b_end = self.b_start + rng.integers(10, 31, nb) * _MINUTE

        sizes = np.concatenate([pool_n, new_n, [lurk_n], [self.b_n.sum()]])
        off = np.concatenate([[0], np.cumsum(sizes)])
        self.pool_lo, self.pool_n = off[:nc], pool_n
        self.new_lo = off[nc: 2 * nc]
        self.lurk_lo, self.lurk_n = off[2 * nc], lurk_n
        self.bot_lo = off[2 * nc + 1]
        nu = int(off[-1])
        home = np.concatenate([np.repeat(np.arange(nc), pool_n), np.repeat(np.arange(nc), new_n),
                               _draw(rng, _CAT_W, lurk_n), np.full(self.b_n.sum(), -1)])
        humans = self.bot_lo
        self.user_id = np.concatenate([
            _ids(rng, humans, 2_000_000_000, 120)[rng.permutation(humans)],
            _ids(rng, nu - humans, 7_600_000_000, 40)])  # bot farms register in bulk: fresh, dense uids

        # Profiles belong to the user, so every follow row of a user repeats them.
        bot = home < 0
        hp = np.where(bot, len(CATEGORIES) - 1, home)
        blank = bot & (rng.random(nu) < 0.85)  # bot accounts mostly leave their profile empty
        r = rng.random((nu, 6))
        self.u_gender = np.where((r[:, 0] < 0.06) | blank, -1, (r[:, 1] >= _FEMALE[hp]).astype(np.int8)).astype(
            np.int8)
        age = np.clip(rng.normal(_AGE_MEAN[hp], _AGE_SD[hp]), 15, 68)
        self.u_birth = np.where((r[:, 2] < 0.09) | blank, 0, 2026 - np.round(age)).astype(np.int16)
        city = np.searchsorted(_CITY_CUM, rng.random(nu) * _CITY_CUM[-1], side="right")
        prov_known = (r[:, 3] >= 0.05) & ~blank
        self.u_prov = np.where(prov_known, _CITY_PROV[city], -1).astype(np.int16)
        city_known = prov_known & (r[:, 4] >= 0.04) & np.array([c is not None for c in _CITY_NAMES])[city]
        self.u_city = np.where(city_known, city, -1).astype(np.int16)
        ios = _IOS[hp] * 0.9
        d = rng.random(nu)
        dev = np.where(d < ios, 0, np.where(d < 0.9, 1, np.where(d < 0.97, 2, 3)))
        self.u_device = np.where((r[:, 5] < 0.05) | blank, -1, dev).astype(np.int8)
        # Few distinct tag sets exist: build each list once and let every follow row point at one.
        masks, self.u_interest = np.unique(self._interest_masks(hp, blank | (rng.random(nu) < 0.08)),
                                           return_inverse=True)
        self.interest_lists = _interest_lists(masks)

    def _interest_masks(self, home: np.ndarray, unknown: np.ndarray) -> np.ndarray:
        rng = self.rng
        n = len(home)
        k = _draw(rng, [.25, .35, .25, .15], n) + 1
        rel = _REL_IDX[home, rng.integers(0, 3, (n, 4)).T].T
        anyt = rng.integers(0, len(TAGS), (n, 4))
        tags = np.where(rng.random((n, 4)) < 0.6, rel, anyt)
        tags[:, 0] = np.where(rng.random(n) < 0.75, _OWN_TAG[home], tags[:, 0])  # the own category leads
        bits = np.left_shift(np.uint32(1), tags.astype(np.uint32))
        bits[np.arange(4)[None, :] >= k[:, None]] = 0
        masks = np.bitwise_or.reduce(bits, axis=1)
        masks[unknown] = 0
        return masks

    # -- fans -----------------------------------------------------------------------------------
    def fans(self) -> None:
        rng, s = self.rng, self.s
        n_inf = s.influencers
        # Organic follows: mostly from the account's category pool, some from other pools.
        # Draw candidates in random order, drop repeated (account, user) pairs, keep each account's
        # first `target` ones and top up the accounts left short: row counts then rank accounts exactly
        # like their real sizes.
        n_users = np.int64(len(self.user_id))
        keys = np.zeros(0, np.int64)
        need = self.rows_target.copy()
        for _ in range(12):
            inf = np.repeat(np.arange(n_inf), np.ceil(need * 1.3).astype(np.int64))
            cat = np.where(rng.random(len(inf)) < 0.08, _draw(rng, _CAT_W, len(inf)), self.inf_cat[inf])
            # Skewed draw within the pool: users near its start follow many accounts, most follow one
            # or two. Profiles do not depend on the position, and a power of a uniform costs O(1) per
            # row where a weighted search over millions of users would thrash the cache.
            cand = inf * n_users + self.pool_lo[cat] + (self.pool_n[cat] * rng.random(len(inf)) ** 1.4).astype(np.int64)
            fresh = np.zeros(len(cand), bool)
            fresh[np.unique(cand, return_index=True)[1]] = True
            # Top-up rounds: the accounts concerned are few, test against their rows only.
            have = np.sort(keys[need[keys // n_users] > 0])
            if len(have):
                fresh &= have[np.minimum(np.searchsorted(have, cand), len(have) - 1)] != cand
            # Rank among the fresh candidates of the same account (candidates come grouped by account).
            kept = np.cumsum(fresh)
            group_lo = np.searchsorted(inf, inf)
            rank = kept - np.where(group_lo > 0, kept[np.maximum(group_lo - 1, 0)], 0) - 1
            fresh &= rank < need[inf]
            keys = np.concatenate([keys, cand[fresh]])
            need = need - np.bincount(inf[fresh], minlength=n_inf)
            if not need.any():
                break
        inf, user = keys // n_users, keys % n_users
        n = len(inf)
        created = self.inf_created[inf]
        # Follow history back to the account's creation, denser lately (accounts grow).
        fol = created + (rng.random(n) ** 0.6 * (SPAN_END - 1 - created)).astype(np.int64)
        fol = np.maximum(created, self._retime(fol))
        src = np.where(rng.random(n) < 0.03, 4, 0)
        unf = np.full(n, _NO_TIME)
        quit_ = (rng.random(n) < 0.15) & (fol + _MINUTE < SPAN_END)
        unf[quit_] = fol[quit_] + _MINUTE + (rng.random(quit_.sum()) * (SPAN_END - 1 - _MINUTE - fol[quit_])).astype(
            np.int64)

        # Campaign follows: fresh users of the account's category, inside the delivery window.
        cidx = np.repeat(np.arange(len(self.c_inf)), self.c_follows)
        c_inf = self.c_inf[cidx]
        ccat = self.inf_cat[c_inf]
        order = np.argsort(ccat, kind="stable")
        cidx, c_inf, ccat = cidx[order], c_inf[order], ccat[order]
        rank = np.arange(len(cidx)) - np.searchsorted(ccat, ccat)
        c_user = self.new_lo[ccat] + rank
        c_fol = self.c_start[cidx] + (rng.random(len(cidx)) * (self.c_end[cidx] - self.c_start[cidx])).astype(np.int64)
        c_src = np.where(self.c_prod[cidx] == _DELEGATED, 1, self.c_prod[cidx] + 1)
        c_unf = np.full(len(cidx), _NO_TIME)
        cq = rng.random(len(cidx)) < 0.25
        c_unf[cq] = c_fol[cq] + _MINUTE + (rng.random(cq.sum()) * (SPAN_END - 1 - _MINUTE - c_fol[cq])).astype(np.int64)
        c_unf[c_unf >= SPAN_END] = _NO_TIME

        # Bots: new accounts, organic-looking source, all inside the burst window.
        b_inf = np.repeat(self.b_inf, self.b_n)
        b_user = self.bot_lo + np.arange(len(b_inf))
        b_start, b_end = np.repeat(self.b_start, self.b_n), np.repeat(self.b_end, self.b_n)
        b_fol = b_start + (rng.random(len(b_inf)) * (b_end - b_start)).astype(np.int64)

        self.f_inf = np.concatenate([inf, c_inf, b_inf])
        self.f_user = np.concatenate([user, c_user, b_user])
        self.f_fol = np.concatenate([fol, c_fol, b_fol]) // _US * _US
        self.f_unf = np.concatenate([unf, c_unf, np.full(len(b_inf), _NO_TIME)])
        self.f_unf = np.where(self.f_unf == _NO_TIME, _NO_TIME, np.maximum(self.f_unf // _US * _US,
                                                                           self.f_fol + _US))
        self.f_src = np.concatenate([src, c_src, np.zeros(len(b_inf), np.int64)]).astype(np.int8)
        # One integer sort key (account, then second of following) instead of a two-key lexsort.
        order = np.argsort(self.f_inf.astype(np.int64) << 32 | (self.f_fol - _HISTORY_START) // _US)
        for name in ("f_inf", "f_user", "f_fol", "f_unf", "f_src"):
            setattr(self, name, getattr(self, name)[order])
        self._fans_write()
        # Index of human follow rows per account, for drawing clicking fans (bots never click).
        human = self.f_user < self.bot_lo
        self.h_user = self.f_user[human]
        self.h_fol, self.h_unf = self.f_fol[human], self.f_unf[human]
        h_inf = self.f_inf[human]
        self.h_lo = np.searchsorted(h_inf, np.arange(n_inf))
        self.h_n = np.searchsorted(h_inf, np.arange(n_inf), side="right") - self.h_lo
        del self.f_user, self.f_fol, self.f_src

    def _retime(self, t: np.ndarray) -> np.ndarray:
        """Keep the day, redraw the time of day from the audience's hourly rhythm."""
        rng = self.rng
        hour = _draw(rng, _HOUR_W, len(t))
        return t // _DAY * _DAY + hour * _HOUR + (rng.random(len(t)) * _HOUR).astype(np.int64)

    def _fans_write(self) -> None:
        n = len(self.f_inf)
        chunk = self.s.chunk_rows or 1_000_000
        folder = self.s.chunk_rows > 0
        writer = None if folder else pq.ParquetWriter(self.root / "fans.parquet", SCHEMAS["fans"], compression="zstd",
                                                      use_dictionary=_dictionary_columns(SCHEMAS["fans"]))
        try:
            for part, lo in enumerate(range(0, max(n, 1), chunk)):
                sl = slice(lo, min(n, lo + chunk))
                u = self.f_user[sl]
                city = self.u_city[u].astype(np.int64)
                tier = np.where(city >= 0, _CITY_TIER[np.maximum(city, 0)], 0)
                unf = self.f_unf[sl]
                cols = {
                    "influencer_id": pa.array(self.inf_id[self.f_inf[sl]]), "fan_id": pa.array(self.user_id[u]),
                    "followed_at": _ts(self.f_fol[sl]), "unfollowed_at": _ts(unf, unf == _NO_TIME),
                    "gender": _take(GENDERS, self.u_gender[u]),
                    "birth_year": _int(self.u_birth[u], pa.int16(), self.u_birth[u] == 0),
                    "province": _take(_PROV_NAMES, self.u_prov[u]), "city": _take(_CITY_NAMES, city),
                    "city_tier": _int(tier.astype(np.int16), pa.int16(), tier == 0),
                    "device": _take(DEVICES, self.u_device[u]),
                    "interests": self.interest_lists.take(pa.array(self.u_interest[u])),
                    "source": _take(SOURCES, self.f_src[sl])}
                table = pa.Table.from_arrays([cols[f.name] for f in SCHEMAS["fans"]], schema=SCHEMAS["fans"])
                if writer is None:
                    (self.root / "fans").mkdir(exist_ok=True)
                    pq.write_table(table, self.root / "fans" / f"part-{part}.parquet", compression="zstd",
                                   use_dictionary=_dictionary_columns(SCHEMAS["fans"]))
                else:
                    writer.write_table(table)
                self.report(0.15 + 0.13 * sl.stop / max(n, 1), "fans")
        finally:
            if writer is not None:
                writer.close()

    # -- clicks and orders ----------------------------------------------------------------------
    def _thin(self, t: np.ndarray, redraw: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Rejection-sample times against the hour/weekday rhythm; rejected ones are redrawn so the
        count stays what the post earned."""
        bad = np.arange(len(t))
        for _ in range(6):
            bad = bad[self.rng.random(len(bad)) >= _activity(t[bad])]
            if not len(bad):
                break
            t[bad] = redraw(bad)
        return t

    def _mixture(self, n: int, parts: list[tuple[float, Callable[[int], np.ndarray]]]) -> np.ndarray:
        """n draws from a mixture; each component samples only its own share of the rows."""
        kind = _draw(self.rng, [w for w, _ in parts], n)
        out = np.empty(n)
        for i, (_, sample) in enumerate(parts):
            idx = np.flatnonzero(kind == i)
            out[idx] = sample(len(idx))
        return out

    def _click_delay(self, n: int) -> np.ndarray:
        """Most clicks within hours of posting, nearly all within two days, a thin tail to 12 days."""
        rng = self.rng
        d = self._mixture(n, [(0.72, lambda k: rng.exponential(3 * _HOUR, k)),
                              (0.23, lambda k: rng.exponential(20 * _HOUR, k)),
                              (0.05, lambda k: rng.uniform(2 * _DAY, 12 * _DAY, k))])
        return 5 * _US + d.astype(np.int64)

    def _order_delay(self, n: int) -> np.ndarray:
        """Minutes to hours after the click, with a tail to ten days (so 1 h / 7 d / 30 d windows differ)."""
        rng = self.rng
        d = self._mixture(n, [(0.50, lambda k: rng.lognormal(np.log(8 * _MINUTE), 0.8, k)),
                              (0.36, lambda k: rng.lognormal(np.log(3 * _HOUR), 0.9, k)),
                              (0.14, lambda k: rng.uniform(_DAY, 10 * _DAY, k))])
        return 20 * _US + np.minimum(d, 10 * _DAY).astype(np.int64)

    def _pick_users(self, inf: np.ndarray, t: np.ndarray, fan_share: float | np.ndarray) -> np.ndarray:
        """Clickers: mostly current fans of the author, else users of the category or lurkers."""
        rng = self.rng
        n = len(inf)
        user = np.empty(n, np.int64)
        fan = (rng.random(n) < fan_share) & (self.h_n[inf] > 0)
        idx = np.flatnonzero(fan)
        fi = inf[idx]
        row = _uniform_pick(rng, self.h_lo[fi], self.h_n[fi])
        # One more draw for a row not following at that moment: people who click are mostly fans now.
        stale = np.flatnonzero((self.h_fol[row] > t[idx]) | (self.h_unf[row] <= t[idx]))
        row[stale] = _uniform_pick(rng, self.h_lo[fi[stale]], self.h_n[fi[stale]])
        user[idx] = self.h_user[row]
        rest = np.flatnonzero(~fan)
        cat = self.inf_cat[inf[rest]]
        in_cat = _uniform_pick(rng, self.pool_lo[cat], self.pool_n[cat])
        lurker = self.lurk_lo + (rng.random(len(rest)) * self.lurk_n).astype(np.int64)
        user[rest] = np.where(rng.random(len(rest)) < 0.5, in_cat, lurker)
        return user

    def _click_device(self, user: np.ndarray) -> np.ndarray:
        rng = self.rng
        n = len(user)
        dev = self.u_device[user].astype(np.int8)
        other = (rng.random(n) < 0.08) | (dev < 0)
        dev[other] = _draw(rng, [.4, .5, .07, .03], int(other.sum()))
        dev[(self.u_device[user] < 0) & (rng.random(n) < 0.3)] = -1
        return dev

    def _post_product(self, post: np.ndarray) -> np.ndarray:
        return self.pflat[_uniform_pick(self.rng, self.post_poff[post], self.post_plen[post])]

    def clicks_and_orders(self) -> None:
        rng = self.rng
        n_prod = np.int64(len(self.prod_id))
        # Store sales (no click by that buyer on that product): drawn up front, dropped later if a
        # click by the same user on the same product turns up in any month.
        n_store = rng.poisson(self.exp_orders * 0.15 / 0.85)
        take_fan = rng.random(n_store) < 0.6
        st_user = np.where(take_fan, self.h_user[rng.integers(0, max(len(self.h_user), 1), n_store)],
                           self.lurk_lo + rng.integers(0, max(self.lurk_n, 1), n_store))
        st_prod = np.searchsorted(self.prod_cum, rng.random(n_store) * self.prod_cum[-1], side="right")
        st_t = SPAN_START + (rng.random(n_store) * (SPAN_END - SPAN_START)).astype(np.int64)
        st_t = self._thin(st_t, lambda bad: SPAN_START + (rng.random(len(bad)) * (SPAN_END - SPAN_START)).astype(
            np.int64)) // _US * _US
        st_key = st_user * n_prod + st_prod
        st_order = np.argsort(st_key, kind="stable")
        st_sorted = st_key[st_order]
        st_alive = np.ones(n_store, bool)
        store_buyer = np.zeros(len(self.user_id), bool)
        store_buyer[st_user] = True

        orders: list[dict[str, np.ndarray]] = []
        pending: dict[int, list[dict[str, np.ndarray]]] = {}
        c_post_month = np.where(self.c_post >= 0, _month_of(self.post_time[np.maximum(self.c_post, 0)]), -1)
        bounds = np.searchsorted(self.post_time, [_local_us(m + "-01") for m in _MONTHS] + [SPAN_END])
        for m in range(len(_MONTHS)):
            chunk = self._month_clicks(int(bounds[m]), int(bounds[m + 1]), np.flatnonzero(c_post_month == m))
            # Membership by binary search into the few store sales: far cheaper than isin on the
            # month's clicks.
            maybe = np.flatnonzero(store_buyer[chunk["user"]])
            keys = chunk["user"][maybe] * n_prod + chunk["prod"][maybe]
            pos = np.minimum(np.searchsorted(st_sorted, keys), max(n_store - 1, 0))
            if n_store:
                st_alive[st_order[pos[st_sorted[pos] == keys]]] = False
            del maybe, keys, pos
            orders.append(self._orders_from(chunk))
            month = _month_of(chunk["t"])
            for mm in np.unique(month):
                sel = np.flatnonzero(month == mm)
                pending.setdefault(int(mm), []).append({k: v[sel] for k, v in chunk.items()})
            del chunk, month
            for mm in sorted(k for k in pending if k <= m):
                self._clicks_write(mm, pending.pop(mm))
            self.report(0.3 + 0.6 * (m + 1) / len(_MONTHS), f"clicks {_MONTHS[m]}")
        for mm in sorted(pending):
            self._clicks_write(mm, pending.pop(mm))
        orders.append({"t": st_t[st_alive], "user": st_user[st_alive], "prod": st_prod[st_alive],
                       "camp": np.full(int(st_alive.sum()), -1, np.int64)})
        self.o = {k: np.concatenate([o[k] for o in orders]) for k in orders[0]}

    def _month_clicks(self, a: int, b: int, camps: np.ndarray) -> dict[str, np.ndarray]:
        rng = self.rng
        # Organic clicks of the posts published this month.
        post = np.repeat(np.arange(a, b), self.post_nclick[a:b])
        t = self.post_time[post] + self._click_delay(len(post))
        t = self._thin(t, lambda bad: self.post_time[post[bad]] + self._click_delay(len(bad)))
        keep = t < SPAN_END
        post, t = post[keep], t[keep] // _US * _US
        prod = self._post_product(post)
        user = self._pick_users(self.post_inf[post], t, 0.8)
        # Ties: the same user, product and second on another post linking that product.
        tie = np.flatnonzero(rng.random(len(post)) < 0.002)
        p_lo, p_n = self.pp_lo[prod[tie]], self.pp_n[prod[tie]]
        j = _uniform_pick(rng, p_lo, p_n)
        j = np.where(self.pp_post[j] == post[tie], p_lo + (j - p_lo + 1) % np.maximum(p_n, 1), j)
        other = self.pp_post[j]
        ok = (p_n > 1) & (other != post[tie]) & (self.post_time[other] <= t[tie])
        tie, other = tie[ok], other[ok]
        post = np.concatenate([post, other])
        t, prod, user = (np.concatenate([x, x[tie]]) for x in (t, prod, user))
        chan = np.zeros(len(post), np.int8)
        camp = np.full(len(post), -1, np.int64)
        # Organic clicks inside a campaign window partly become paid ones (relabelled, not added).
        promoted = np.flatnonzero(self.post_promoted[post])
        if len(promoted):
            pp = post[promoted]
            lo = np.searchsorted(self.cp_post, pp)
            hi = np.searchsorted(self.cp_post, pp, side="right")
            u = rng.random(len(promoted))
            for k in range(self.cp_mult):
                j = lo + k
                c = self.cp[np.minimum(j, len(self.cp) - 1)]
                tp = t[promoted]
                hit = ((j < hi) & (camp[promoted] < 0) & (tp >= self.c_start[c]) & (tp <= self.c_end[c])
                       & (u < self.c_relabel[c]))
                camp[promoted[hit]] = c[hit]
                chan[promoted[hit]] = self.c_prod[c[hit]] + 1
        extra = np.zeros(len(post), bool)
        # Extra clicks bought by the campaigns on this month's posts: the true lift.
        cidx = np.repeat(camps, self.c_extra[camps])
        if len(cidx):
            s0, e0 = self.c_start[cidx], self.c_end[cidx]
            xt = s0 + (rng.random(len(cidx)) * (e0 - s0)).astype(np.int64)
            xt = self._thin(xt, lambda bad: s0[bad] + (rng.random(len(bad)) * (e0[bad] - s0[bad])).astype(np.int64))
            xp = self.c_post[cidx]
            share = np.where(self.c_prod[cidx] == _PASSERBY, 0.12, 0.5)  # passerby_to_fan reaches non-fans
            post = np.concatenate([post, xp])
            t = np.concatenate([t, xt // _US * _US])
            prod = np.concatenate([prod, self._post_product(xp)])
            user = np.concatenate([user, self._pick_users(self.post_inf[xp], xt, share)])
            chan = np.concatenate([chan, (self.c_prod[cidx] + 1).astype(np.int8)])
            camp = np.concatenate([camp, cidx])
            extra = np.concatenate([extra, np.ones(len(cidx), bool)])
        return {"t": t, "user": user, "post": post, "prod": prod, "chan": chan, "camp": camp, "extra": extra,
                "dev": self._click_device(user)}

    def _orders_from(self, c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rng = self.rng
        p = _CT_CVR[self.post_ct[c["post"]]] * self.prod_cvr[c["prod"]] * np.where(c["chan"] > 0, 0.85, 1.0)
        hit = np.flatnonzero(rng.random(len(p)) < p)
        t = c["t"][hit] + self._order_delay(len(hit))
        ok = t < SPAN_END
        hit, t = hit[ok], t[ok]
        return {"t": t // _US * _US, "user": c["user"][hit], "prod": c["prod"][hit],
                "camp": np.where(c["extra"][hit], c["camp"][hit], -1)}

    def _clicks_write(self, month: int, parts: list[dict[str, np.ndarray]]) -> None:
        c = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        order = np.argsort(c["t"], kind="stable")
        c = {k: v[order] for k, v in c.items()}
        camp = c["camp"]
        _write(self.root / "clicks" / f"month={_MONTHS[month]}" / "part-0.parquet", SCHEMAS["clicks"], {
            "clicked_at": _ts(c["t"]), "user_id": pa.array(self.user_id[c["user"]]),
            "post_id": pa.array(self.post_id[c["post"]]), "product_id": pa.array(self.prod_id[c["prod"]]),
            "channel": _take(CHANNELS, c["chan"]),
            "campaign_id": _int(self.c_id[np.maximum(camp, 0)], pa.int64(), camp < 0),
            "device": _take(DEVICES, c["dev"])})

    def orders_write(self) -> None:
        rng, o = self.rng, self.o
        order = np.lexsort((o["prod"], o["user"], o["t"]))
        t, user, prod, camp = (o[k][order] for k in ("t", "user", "prod", "camp"))
        n = len(t)
        qty = _draw(rng, [.8, .13, .05, .015, .005], n).astype(np.int32) + 1
        price = self.prod_cents[prod]
        qty[price >= 50_000] = 1
        amount = price * qty
        disc = rng.random(n) < 0.18  # coupons and store discounts
        amount[disc] = np.maximum(1, np.round(amount[disc] * rng.uniform(0.7, 0.95, disc.sum()))).astype(np.int64)
        refund_t = t + 2 * _HOUR + rng.lognormal(np.log(3 * _DAY), 0.7, n).astype(np.int64)
        refunded = (rng.random(n) < _REFUND[self.prod_cat[prod]]) & (refund_t < SPAN_END)
        refund_t = refund_t // _US * _US
        order_id = _ids(rng, n, 3_000_000_000_000_000_000, 1_000)
        chunk = self.s.chunk_rows or max(n, 1)
        for part, lo in enumerate(range(0, max(n, 1), chunk)):
            sl = slice(lo, min(n, lo + chunk))
            path = self.root / "orders" / f"part-{part}.parquet" if self.s.chunk_rows else self.root / "orders.parquet"
            _write(path, SCHEMAS["orders"], {
                "order_id": pa.array(order_id[sl]), "ordered_at": _ts(t[sl] - _UTC_OFFSET, tz="UTC"),
                "user_id": pa.array(self.user_id[user[sl]]), "product_id": pa.array(self.prod_id[prod[sl]]),
                "quantity": pa.array(qty[sl]), "amount": _money(amount[sl]),
                "status": _take(ORDER_STATUS, refunded[sl].astype(np.int8)),
                "refunded_at": _ts(refund_t[sl] - _UTC_OFFSET, ~refunded[sl], tz="UTC")})
        # Ground truth.
        nc = len(self.c_id)
        lifted = camp >= 0
        lift_n = np.bincount(camp[lifted], minlength=nc).astype(np.int64)
        lift_gmv = np.round(np.bincount(camp[lifted], weights=amount[lifted], minlength=nc)).astype(np.int64)
        truth = self.root / "_truth"
        _write(truth / "campaign_lift.parquet", _TRUTH_SCHEMAS["campaign_lift"], {
            "campaign_id": pa.array(self.c_id), "true_incremental_orders": pa.array(lift_n),
            "true_incremental_gmv": _money(lift_gmv)})
        _write(truth / "bot_bursts.parquet", _TRUTH_SCHEMAS["bot_bursts"], {
            "influencer_id": pa.array(self.inf_id[self.b_inf]), "burst_start": _ts(self.b_start),
            "burst_end": _ts(self.b_end), "n_fans": pa.array(self.b_n)})
        (truth / "README.md").write_text(_TRUTH_README, encoding="utf-8")
