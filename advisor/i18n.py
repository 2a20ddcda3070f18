"""zh-CN and English catalogues, t() and the number formats of each language (万/亿 in Chinese)."""

from __future__ import annotations

import math
from collections.abc import Mapping

LANGS = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"
DASH = "—"  # a ratio with a zero denominator, or a figure that does not exist

# key -> (zh-CN, en). Placeholders are str.format fields.
CATALOGUE: dict[str, tuple[str, str]] = {
    # ---- dataset problems (advisor/dataset.py and validate) --------------------------------------
    "problem.no_folder": ("找不到数据集文件夹 {file}。", "Dataset folder {file} does not exist."),
    "problem.not_folder": ("{file} 不是文件夹:数据集应是一个包含 Parquet 导出的文件夹。",
                           "{file} is not a folder: a dataset is a folder of Parquet exports."),
    "problem.bad_tz": ("未知时区 {detail}(例如 Asia/Shanghai)。", "Unknown time zone {detail} (e.g. Asia/Shanghai)."),
    "problem.missing_table": ("缺少必需的表 {table}:应有 {file} 或文件夹 {table}/。",
                              "Required table {table} is missing: expected {file} or a folder {table}/."),
    "problem.export_twice": ("表 {table} 同时存在 {file},只能保留一种形式。",
                             "Table {table} is exported twice ({file}); keep one of the two."),
    "problem.empty_folder": ("表 {table} 的文件夹 {file} 中没有 Parquet 文件,按空表处理。",
                             "Table {table}: folder {file} holds no Parquet file; read as an empty table."),
    "problem.not_parquet": ("表 {table}:文件 {file} 不是 Parquet 文件,已忽略。",
                            "Table {table}: file {file} is not a Parquet file and was ignored."),
    "problem.unreadable": ("表 {table}:文件 {file} 无法作为 Parquet 读取({detail})。",
                           "Table {table}: file {file} cannot be read as Parquet ({detail})."),
    "problem.implausible_rows": ("表 {table}:文件 {file} 声明了 {count} 行,与文件大小不符,拒绝读取。",
                                 "Table {table}: file {file} declares {count} rows, implausible for its size; "
                                 "refused."),
    "problem.missing_column": ("表 {table}:文件 {file} 缺少列 {column}(应为 {expected})。",
                               "Table {table}: file {file} has no column {column} (expected {expected})."),
    "problem.column_case": ("表 {table}:文件 {file} 的列 {column} 大小写不符(发现 {found});列名须为小写。",
                            "Table {table}: file {file} has column {column} in the wrong case ({found}); "
                            "column names are lower-case."),
    "problem.wrong_type": ("表 {table}:文件 {file} 的列 {column} 类型应为 {expected},实际为 {found}。",
                           "Table {table}: file {file}, column {column}: expected {expected}, found {found}."),
    "problem.mixed_tz": ("表 {table}:文件 {file} 的列 {column} 与其他文件时区属性不同(有的带时区,有的不带)。",
                         "Table {table}: file {file}, column {column} mixes time-zone aware and naive "
                         "timestamps across files."),
    "problem.cast_failed": ("表 {table}:列 {column} 有值无法无损转换为 {expected}({detail})。",
                            "Table {table}, column {column}: a value cannot be cast losslessly to {expected} "
                            "({detail})."),
    "problem.duplicate_key": ("表 {table}:键 {column} 有 {count} 个重复值,例如 {examples}(文件 {file})。",
                              "Table {table}: key {column} has {count} duplicate values, e.g. {examples} "
                              "(file {file})."),
    "problem.unknown_reference": ("表 {table}:列 {column} 有 {count} 行引用了不存在的 {detail},例如 {examples}"
                                  "(文件 {file});这些行不计入相关的内容指标。",
                                  "Table {table}, column {column}: {count} rows reference a {detail} that does "
                                  "not exist, e.g. {examples} (file {file}); they are left out of those "
                                  "figures."),
    "problem.negative": ("表 {table}:列 {column} 有 {count} 行为负数,例如 {examples}(文件 {file})。",
                         "Table {table}, column {column}: {count} rows are negative, e.g. {examples} (file {file})."),
    "problem.out_of_range": ("表 {table}:列 {column} 有 {count} 行超出范围({detail}),例如 {examples}(文件 {file})。",
                             "Table {table}, column {column}: {count} rows out of range ({detail}), e.g. "
                             "{examples} (file {file})."),
    "problem.unknown_enum": ("表 {table}:列 {column} 有未知取值 {examples}(共 {count} 行),将原样显示。",
                             "Table {table}, column {column}: unknown values {examples} ({count} rows), shown as "
                             "they are."),
    "problem.null_required": ("表 {table}:必填列 {column} 有 {count} 行为空,例如 {examples}(文件 {file})。",
                              "Table {table}: required column {column} is null in {count} rows, e.g. {examples} "
                              "(file {file})."),
    "problem.error": ("错误", "error"),
    "problem.warning": ("警告", "warning"),

    # ---- app shell and navigation ----------------------------------------------------------------
    "app.title": ("社交电商参谋", "Social Commerce Advisor"),
    "page.overview": ("概览", "Overview"),
    "page.audience": ("粉丝画像", "Audience"),
    "page.posts": ("内容转化", "Posts"),
    "page.campaigns": ("粉丝头条", "Campaigns"),
    "page.benchmarks": ("类目对标", "Benchmarks"),
    "page.merchants": ("达人对比", "Merchants"),
    "soon.title": ("即将上线", "Coming soon"),
    "soon.audience": ("这里将展示粉丝是谁:性别、年龄段、省份与城市等级、设备、兴趣标签和关注来源,"
                      "以及多少粉丝在周期内点击和购买。",
                      "Who the fans are: gender, age band, province and city tier, device, interest tags and "
                      "how they came to follow, and how many of them clicked and bought in the period."),
    "soon.posts": ("这里将逐条展示微博的带货效果:曝光、阅读、转评赞、商品点击、归因订单、成交金额,"
                   "以及点击率、转化率和千次阅读成交额,可按内容形式比较。",
                   "How each post sold: impressions, reads, interactions, product clicks, attributed orders "
                   "and GMV, with click-through rate, conversion rate and GMV per 1,000 reads, compared by "
                   "content type."),
    "soon.campaigns": ("这里将展示粉丝头条、路人转粉、账号推荐和头条代投的投放回报:花费、付费点击、订单、"
                       "新增粉丝、ROI,以及与投放前基线相比的增量订单。",
                       "The return on Fan Headline, passer-by-to-fan, account recommendation and delegated "
                       "headline campaigns: spend, paid clicks, orders, new fans, ROAS, and incremental "
                       "orders against a pre-campaign baseline."),
    "soon.benchmarks": ("这里将把达人与同类目、同量级达人的分位数(P25/P50/P75/P90)对比:点击率、转化率、"
                        "客单价、千次阅读成交额、粉丝增长和头条 ROI。",
                        "How an influencer compares with peers of the same category and tier (P25/P50/P75/P90): "
                        "click-through rate, conversion rate, order value, GMV per 1,000 reads, fan growth and "
                        "headline ROAS."),
    "soon.merchants": ("这里将从商家视角对比带货达人:点击、订单、成交金额、佣金与头条花费、ROI、单均成本、"
                       "新客数、受众匹配度和粉丝重合度。",
                       "Influencers compared from a merchant's side: clicks, orders, GMV, commission and "
                       "headline spend, ROAS, cost per order, new buyers, audience match and fan overlap."),

    # ---- sidebar: dataset, period, influencers, attribution window, language ----------------------
    "sidebar.period": ("统计周期", "Period"),
    "sidebar.dates": ("日期范围", "Date range"),
    "sidebar.influencers": ("达人", "Influencers"),
    "sidebar.influencers_placeholder": ("全部达人", "All influencers"),
    "sidebar.influencers_help": ("输入名称即可搜索;不选即为全部达人。", "Type a name to search; leave empty for all "
                                                                              "influencers."),
    "sidebar.influencer_option": ("{name} · {category} · {tier} · {fans} 粉丝", "{name} · {category} · {tier} · "
                                  "{fans} fans"),
    "sidebar.window": ("归因窗口", "Attribution window"),
    "sidebar.window_help": ("订单归给同一用户在下单前、窗口时长以内对同一商品的最近一次点击;"
                            "超出窗口的订单视为店铺自然成交,不计入达人。",
                            "An order goes to the same user's latest click on the same product before it, "
                            "if that click lies within the window; otherwise it is a store sale credited to no "
                            "influencer."),
    "sidebar.language": ("语言 · Language", "Language · 语言"),
    "sidebar.dataset": ("数据集", "Dataset"),
    "sidebar.dataset_line": ("{name} · {tz}", "{name} · {tz}"),
    "sidebar.span": ("{start} 至 {end}", "{start} to {end}"),
    "sidebar.no_activity": ("数据集中还没有任何活动记录。", "The dataset holds no activity yet."),
    "lang.zh-CN": ("中文", "中文"),
    "lang.en": ("English", "English"),
    "preset.all": ("全部时间", "Whole span"),
    "preset.7d": ("近 7 天", "Last 7 days"),
    "preset.30d": ("近 30 天", "Last 30 days"),
    "preset.90d": ("近 90 天", "Last 90 days"),
    "preset.month": ("本月", "This month"),
    "preset.custom": ("自定义", "Custom range"),
    "window.1h": ("1 小时", "1 hour"),
    "window.6h": ("6 小时", "6 hours"),
    "window.12h": ("12 小时", "12 hours"),
    "window.1d": ("1 天", "1 day"),
    "window.3d": ("3 天", "3 days"),
    "window.7d": ("7 天", "7 days"),
    "window.14d": ("14 天", "14 days"),
    "window.30d": ("30 天", "30 days"),
    "scope.period": ("{start} 至 {end}({days} 天)", "{start} to {end} ({days} days)"),
    "scope.all_influencers": ("全部达人", "all influencers"),
    "scope.influencers": ("{n} 位达人", "{n} influencers"),
    "scope.window": ("归因窗口 {window}", "attribution window {window}"),
    "scope.compare": ("对比上一周期 {start} 至 {end}", "compared with {start} to {end}"),

    # ---- messages ---------------------------------------------------------------------------------
    "error.dataset": ("无法打开数据集 {path}:", "The dataset at {path} cannot be opened:"),
    "error.dataset_hint": ("请修正上述问题,或通过环境变量 ADVISOR_DATA 或 `--data` 指定另一个数据集文件夹。",
                           "Fix the problems above, or point ADVISOR_DATA or `--data` to another dataset "
                           "folder."),
    "error.query": ("查询失败:{message}", "A query failed: {message}"),
    "error.demo_missing": ("无法生成演示数据({detail})。请通过环境变量 ADVISOR_DATA 或 `--data` 指定数据集文件夹。",
                           "The demo data cannot be generated ({detail}). Point ADVISOR_DATA or `--data` to a "
                           "dataset folder."),
    "demo.generating": ("正在生成演示数据(仅首次运行需要)……", "Generating the demo data (first run only)…"),
    "dataset.warnings": ("数据集提示({n} 条)", "Dataset notes ({n})"),

    # ---- figures (METRICS.md); each label has a .help definition ---------------------------------
    "metric.day": ("日期", "Date"),
    "metric.fans_end": ("粉丝数", "Fans"),
    "metric.fans_end.help": ("周期结束时的粉丝数:所选达人的关注关系,同一用户关注多位所选达人时分别计数。",
                             "Fans at the end of the period: follow relations of the chosen influencers; a "
                             "user who follows two of them counts twice."),
    "metric.new_fans": ("新增粉丝", "New fans"),
    "metric.new_fans.help": ("周期内新关注所选达人的次数。", "Follows of the chosen influencers begun in the "
                             "period."),
    "metric.lost_fans": ("取关", "Unfollows"),
    "metric.lost_fans.help": ("周期内取消关注的次数。", "Follows ended in the period."),
    "metric.clicks": ("点击", "Clicks"),
    "metric.clicks.help": ("周期内所选达人微博中商品链接被点击的次数。",
                           "Clicks in the period on product links in the chosen influencers' posts."),
    "metric.orders": ("订单", "Orders"),
    "metric.orders.help": ("周期内支付、并归因到所选达人微博的订单行数(含已退款)。订单归给同一用户在下单前、"
                           "归因窗口内对同一商品的最近一次点击。",
                           "Order lines paid in the period and attributed to the chosen influencers' posts, "
                           "refunds included. An order goes to the same user's latest click on the same product "
                           "within the attribution window before it."),
    "metric.gmv": ("成交金额 GMV", "GMV"),
    "metric.gmv.help": ("归因订单的支付金额合计(人民币,含已退款订单)。",
                        "Paid amount of the attributed orders in CNY, refunded orders included."),
    "metric.net_gmv": ("净成交额", "Net GMV"),
    "metric.net_gmv.help": ("成交金额扣除已退款订单后的金额(人民币)。", "GMV less refunded orders, in CNY."),
    "metric.cvr": ("转化率", "Conversion rate"),
    "metric.cvr.help": ("归因订单数 ÷ 点击数;没有点击时显示 —。",
                        "Attributed orders ÷ clicks; shown as — when there are no clicks."),
    "metric.aov": ("客单价", "Average order value"),
    "metric.aov.help": ("成交金额 ÷ 订单数;没有订单时显示 —。", "GMV ÷ orders; shown as — when there are no orders."),

    # ---- the Overview screen ---------------------------------------------------------------------
    "overview.caption": ("所选达人在周期内的粉丝、点击和带货成交,与上一周期(同样天数)对比。",
                         "The chosen influencers' fans, clicks and sales in the period, against the period of "
                         "the same length before it."),
    "overview.no_data": ("所选周期内没有粉丝、点击或订单数据。可以换一个周期或达人试试。",
                         "There are no fans, clicks or orders in the selected period. Try another period or "
                         "influencer."),
    "overview.empty": ("数据集中还没有任何粉丝、点击或订单数据。", "The dataset holds no fans, clicks or orders yet."),
    "overview.vs_previous": ("较上一周期", "vs prior period"),
    "overview.trend": ("每日趋势", "Daily trend"),
    "overview.window_note": ("订单与成交金额的归因窗口:{window}", "Attribution window of orders and GMV: {window}"),
    "overview.table": ("每日明细", "Daily figures"),
    "download.csv": ("下载 CSV", "Download CSV"),
    "download.csv_help": ("UTF-8(带 BOM)编码,可直接用 Excel 打开。", "UTF-8 with BOM, opens in Excel as is."),

    # ---- the Audience screen (粉丝画像) -------------------------------------------------------------

    # ---- the Posts screen (内容转化) ---------------------------------------------------------------

    # ---- the Campaigns screen (粉丝头条) -----------------------------------------------------------

    # ---- labels of codes (label(kind, code)) ------------------------------------------------------
    "label.unknown": ("未知", "Unknown"),
    "category.fashion": ("服装", "Fashion"),
    "category.beauty": ("美妆", "Beauty"),
    "category.acg": ("二次元", "Anime & comics"),
    "category.baby": ("母婴", "Mother & baby"),
    "category.pets": ("宠物", "Pets"),
    "category.military": ("军事", "Military"),
    "category.food": ("美食", "Food"),
    "category.fitness": ("运动瘦身", "Fitness"),
    "category.travel": ("旅行", "Travel"),
    "category.emotion": ("情感", "Relationships"),
    "category.digital": ("数码", "Digital"),
    "category.other": ("其他", "Other"),
    "tier.head": ("头部", "Head"),
    "tier.waist": ("腰部", "Mid-tier"),
    "tier.tail": ("尾部", "Long tail"),
    "account_type.shop_owner": ("店主", "Shop owner"),
    "account_type.guide_blogger": ("导购博主", "Shopping guide (CPS)"),
    "account_type.enterprise": ("电商企业", "E-commerce company"),
    "account_type.media": ("电商媒体人", "E-commerce media"),
    "content_type.text": ("文字", "Text"),
    "content_type.image": ("图文", "Image post"),
    "content_type.long_article": ("长文", "Long article"),
    "content_type.video": ("短视频", "Short video"),
    "content_type.live": ("直播", "Live stream"),
    "channel.organic": ("自然流量", "Organic"),
    "channel.fan_headline": ("粉丝头条", "Fan Headline"),
    "channel.passerby_to_fan": ("路人转粉", "Passer-by to fan"),
    "channel.account_recommend": ("账号推荐", "Account recommendation"),
    "channel.delegated_headline": ("头条代投", "Delegated headline"),
    "campaign_product.fan_headline": ("粉丝头条", "Fan Headline"),
    "campaign_product.passerby_to_fan": ("路人转粉", "Passer-by to fan"),
    "campaign_product.account_recommend": ("账号推荐", "Account recommendation"),
    "campaign_product.delegated_headline": ("头条代投", "Delegated headline"),
    "source.organic": ("自然关注", "Organic"),
    "source.fan_headline": ("粉丝头条", "Fan Headline"),
    "source.passerby_to_fan": ("路人转粉", "Passer-by to fan"),
    "source.account_recommend": ("账号推荐", "Account recommendation"),
    "source.other": ("其他", "Other"),
    "gender.f": ("女", "Female"),
    "gender.m": ("男", "Male"),
    "device.ios": ("iOS", "iOS"),
    "device.android": ("安卓", "Android"),
    "device.pc": ("电脑", "PC"),
    "device.other": ("其他", "Other"),
    "city_tier.1": ("一线", "Tier 1"),
    "city_tier.2": ("新一线", "New tier 1"),
    "city_tier.3": ("二线", "Tier 2"),
    "city_tier.4": ("三线", "Tier 3"),
    "city_tier.5": ("四线及以下", "Tier 4 and below"),
    "status.paid": ("已支付", "Paid"),
    "status.refunded": ("已退款", "Refunded"),
    "shop_type.taobao": ("淘宝", "Taobao"),
    "shop_type.tmall": ("天猫", "Tmall"),
    "shop_type.other": ("其他", "Other"),
}

# The kinds of code label() knows: each has a "<kind>.<code>" entry per known code.
LABEL_KINDS = ("category", "tier", "account_type", "content_type", "channel", "campaign_product", "source",
               "gender", "device", "city_tier", "status", "shop_type")


def t(key: str, lang: str = DEFAULT_LANG, /, **fields: object) -> str:
    """The text of `key` in `lang`, with `fields` filled in; an unknown key shows itself."""
    pair = CATALOGUE.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh-CN" else pair[1]
    return text.format(**fields) if fields else text


def label(kind: str, code: object, lang: str = DEFAULT_LANG) -> str:
    """The words for a code from the data (category fashion -> 服装); an unknown code is shown as it is."""
    if _missing(code) or code == "":
        return t("label.unknown", lang)
    text = str(code)
    key = f"{kind}.{text}"
    return t(key, lang) if key in CATALOGUE else text


def lang_name(lang: str) -> str:
    """A language as its own speakers write it, for the language picker."""
    return t(f"lang.{lang}", lang)


def problem_text(problem: object, lang: str = DEFAULT_LANG) -> str:
    """One dataset problem (advisor.dataset.Problem) as a sentence."""
    fields: Mapping[str, object] = problem.params()  # type: ignore[attr-defined]
    return t(f"problem.{problem.code}", lang, **fields)  # type: ignore[attr-defined]


# ---- numbers -------------------------------------------------------------------------------------

def _missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(x))  # type: ignore[arg-type]
    except TypeError:
        return str(x) in ("<NA>", "NaT")


def fmt_int(x: object, lang: str = DEFAULT_LANG) -> str:
    """A count, grouped: 12,345."""
    return DASH if _missing(x) else f"{int(x):,}"  # type: ignore[call-overload]


def fmt_compact(x: object, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A large number as people read it: 1.2万 / 3.4亿 in Chinese, 12.3K / 4.5M in English."""
    if _missing(x):
        return DASH
    v = float(x)  # type: ignore[arg-type]
    a = abs(v)
    if lang == "zh-CN":
        for size, unit in ((1e8, "亿"), (1e4, "万")):
            if a >= size:
                return f"{v / size:.{digits}f}{unit}"
    else:
        for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if a >= size:
                return f"{v / size:.{digits}f}{unit}"
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"


def fmt_money(x: object, lang: str = DEFAULT_LANG, compact: bool = True) -> str:
    """CNY: ¥1.23万 (zh) / ¥12.3K (en) when compact, else ¥12,345.67."""
    if _missing(x):
        return DASH
    v = float(x)  # type: ignore[arg-type]
    if compact and abs(v) >= 1e4:
        return "¥" + fmt_compact(v, lang, 2)
    return f"¥{v:,.2f}"


def fmt_pct(x: object, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A ratio as a percentage: 0.1234 -> 12.3%."""
    return DASH if _missing(x) else f"{float(x) * 100:.{digits}f}%"  # type: ignore[arg-type]


def fmt_change(x: object, lang: str = DEFAULT_LANG) -> str:
    """A relative change with its sign: +12.3% / −4.0%; none without a base."""
    if _missing(x):
        return DASH
    v = float(x) * 100  # type: ignore[arg-type]
    return f"{'+' if v >= 0 else '−'}{abs(v):.1f}%"
