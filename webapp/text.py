"""Every zh/en sentence of the web app's pages and API answers: one table, Chinese first.

Templates read a page's words with ``page_text(page)`` (shared words included); the API's
error and notice messages are ``MESSAGES``. Python code passes values, never sentences.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # generic input
    "invalid_json": ("请求内容不是有效的 JSON 对象。", "The request body is not a valid JSON object."),
    "missing_field": ("缺少必填字段：{field}。", "Missing required field: {field}."),
    "invalid_field": ("字段 {field} 的值无效：{reason}", "Invalid value for {field}: {reason}"),
    # what a field of the JSON API takes: the {reason} of invalid_field when its schema refuses a value
    "expect_text": (
        "应为 {min} 到 {max} 个字符的文本，不含 NUL 字符。",
        "expected text of {min} to {max} characters, without NUL.",
    ),
    "expect_format": ("应为形如 {example} 的值。", "expected a value like {example}."),
    "expect_choice": ("应为以下之一：{choices}。", "expected one of: {choices}."),
    "expect_integer": ("应为 {min} 到 {max} 之间的整数。", "expected a whole number from {min} to {max}."),
    "expect_number": ("应为 {min} 到 {max} 之间的数。", "expected a number from {min} to {max}."),
    "expect_moment": (
        "应为 {first} 至 {last} 年间的 ISO 8601 日期或时间。",
        "expected an ISO 8601 date or date/time from {first} to {last}.",
    ),
    "expect_boolean": ("应为 true 或 false。", "expected true or false."),
    "expect_list": ("应为最多 {max} 项的列表。", "expected a list of up to {max} items."),
    "expect_object": ("应为 JSON 对象。", "expected a JSON object."),
    "expect_valid": ("不符合要求。", "not an accepted value."),
    "unknown_field": ("此请求不接受该字段。", "this request takes no such field."),
    "invalid_phone": (
        "手机号格式不正确，请输入 11 位中国大陆手机号。",
        "That phone number is not valid; enter an 11-digit mainland China mobile number.",
    ),
    "invalid_csv": ("无法读取 CSV 文件：{reason}", "Could not read the CSV file: {reason}"),
    "payload_too_large": ("上传内容过大（上限 {limit}）。", "The upload is too large (limit {limit})."),
    "bad_request": ("请求无效。", "The request is not valid."),
    "rate_limited": ("请求过于频繁，请稍后再试。", "Too many requests; please wait a moment and try again."),
    "busy": (
        "当前使用人数较多，请 {seconds} 秒后再试。",
        "We are busy right now; please try again in {seconds} seconds.",
    ),
    # auth
    "sign_in_required": (
        "请先用手机号登录（短信验证码）。",
        "Please sign in with your mobile number (SMS code) first.",
    ),
    "sign_in_code_invalid": (
        "验证码不正确或已过期，请重新获取。",
        "That code is wrong or has expired; please request a new one.",
    ),
    "sign_in_code_too_soon": (
        "验证码已发送，请 {seconds} 秒后再重新获取。",
        "A code was just sent; you can ask again in {seconds} seconds.",
    ),
    "sign_in_code_limit": (
        "该手机号获取验证码过于频繁，请一小时后再试。",
        "Too many codes for this number; please try again in an hour.",
    ),
    "sms_unavailable": (
        "短信暂时发送失败，请稍后再试。",
        "We could not send the text message; please try again shortly.",
    ),
    "sms_sign_in_code": (
        "【StoreLens 澜悦】您的登录验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。",
        "StoreLens: your sign-in code is {code}. It expires in {minutes} minutes. Do not share it.",
    ),
    "unauthorized": ("需要有效的访问令牌。", "A valid access token is required."),
    "forbidden": ("此令牌无权执行该操作。", "This token is not allowed to do that."),
    # lookup
    "not_found": ("找不到该地址。", "There is nothing at this address."),
    "method_not_allowed": ("该地址不支持此请求方法。", "This address does not accept that method."),
    "store_not_found": ("找不到门店：{store}。", "No store called {store}."),
    "product_not_found": ("找不到商品：{sku}。", "No product with SKU {sku}."),
    "campaign_not_found": ("找不到优惠活动：{campaign}。", "No coupon campaign called {campaign}."),
    "coupon_not_found": ("找不到券码：{coupon}。", "No coupon with code {coupon}."),
    "member_not_found": ("没有该手机号的会员。", "No member has that phone number."),
    "ticket_not_found": ("找不到维修单 {ticket}，请核对单号。", "No repair ticket {ticket}; please check the number."),
    "service_not_found": ("没有这项咨询服务：{service}。", "No consultation service called {service}."),
    "slot_not_found": ("找不到该预约时段。", "That time slot does not exist."),
    "booking_not_found": (
        "找不到该预约，请核对确认号和手机号后四位。",
        "No booking matches; please check the confirmation code and the phone's last 4 digits.",
    ),
    # coupons
    "coupon_not_started": (
        "该优惠活动尚未开始（{valid_from} 起）。",
        "This campaign has not started yet (from {valid_from}).",
    ),
    "coupon_expired": ("该券已过期（有效期至 {valid_to}）。", "This coupon has expired (valid until {valid_to})."),
    "coupon_quota_exhausted": ("很抱歉，该券已被领完。", "Sorry, this coupon has run out."),
    "coupon_limit_reached": (
        "每位会员限领 {limit} 张，您已领满。",
        "Each member may claim {limit}; you already have that many.",
    ),
    "coupon_already_redeemed": (
        "该券已于 {redeemed_at} 核销，不能重复使用。",
        "This coupon was already redeemed at {redeemed_at}; it cannot be used twice.",
    ),
    "coupon_wrong_channel": ("该券仅限{channel}使用。", "This coupon can only be used {channel}."),
    "coupon_min_spend": (
        "订单金额需满 {min_spend} 元才能使用该券。",
        "The order must reach ¥{min_spend} to use this coupon.",
    ),
    # repairs
    # one answer for an unknown ticket, wrong digits and a locked ticket, so none can be told apart
    "repair_verification_failed": (
        "单号或手机号后四位不正确。连续 {tries} 次不符后需等 {minutes} 分钟再试；"
        "登录会员可随时查看自己的维修单，也可联系门店。",
        "The ticket number or the phone's last 4 digits are not right. After {tries} misses, "
        "checks pause for {minutes} minutes; signed-in members can see their own repairs "
        "at any time, or contact the store.",
    ),
    "repair_status_backwards": (
        "维修状态不能从 {current} 回退到 {requested}。",
        "A repair cannot go back from {current} to {requested}.",
    ),
    # bookings
    "slot_full": ("该时段已约满，请选择其他时间。", "That time slot is full; please pick another time."),
    "slot_in_past": ("该时段已经开始或已过去。", "That time slot has already started or passed."),
    "booking_cancelled": ("该预约已取消。", "This booking has been cancelled."),
    "booking_same_slot": ("新时段与原时段相同。", "The new time slot is the same as the current one."),
    "booking_limit_reached": (
        "每位会员最多同时保留 {limit} 个未到期的预约，请先取消一个再预约。",
        "Each member can hold {limit} upcoming bookings at a time; cancel one to book another.",
    ),
    "booking_changed": (
        "该预约刚刚被修改或取消，请重新查看后再操作。",
        "This booking was just changed or cancelled; please check it again.",
    ),
    "booking_started": (
        "该预约的时间已开始或已过去，不能再更改。",
        "This booking's time has started or passed; it can no longer be changed.",
    ),
    # try-on and privacy
    "invalid_image": (
        "无法读取图片，请上传 JPEG、PNG 或 WebP 照片。",
        "Could not read the image: {reason}. Please upload a JPEG, PNG or WebP photo.",
    ),
    "image_too_large": (
        "图片过大，请上传 10 MB 以内、边长不超过 4096 像素的照片。",
        "The image is too large ({reason}). Please upload up to 10 MB and 4096 px per side.",
    ),
    "upload_timeout": (
        "照片上传太慢，请检查网络后重试。",
        "The photo took too long to arrive; check your connection and try again.",
    ),
    "too_many_streams": (
        "您的网络已打开太多试妆画面，请关闭其他页面后再试。",
        "Too many live try-ons are open from your network; close the others and try again.",
    ),
    "origin_not_allowed": ("不接受来自其他网站的连接。", "Connections from other sites are not accepted."),
    "no_face": (
        "照片中没有找到人脸。请正对镜头、光线充足，并让整张脸出现在画面中。",
        "No face was found. Face the camera in good light with your whole face in the picture.",
    ),
    "consent_required": ("保存前需要您的明确同意。", "Your explicit consent is needed before anything is saved."),
    # furniture and room plans
    "invalid_model": ("无法读取 3D 模型：{reason}", "Could not read the 3D model: {reason}"),
    "empty_model": ("3D 模型里没有任何面。", "The 3D model has no faces."),
    "model_too_complex": ("3D 模型过于复杂（{reason}）。", "The 3D model is too complex ({reason})."),
    "model_size_mismatch": (
        "模型尺寸与标注的实际尺寸对不上：{reason}",
        "The model's size does not match the declared size: {reason}",
    ),
    "invalid_scan": ("无法从扫描中识别房间：{reason}", "Could not find a room in the scan: {reason}"),
    "plan_not_found": ("找不到方案 {plan}。", "No room plan with code {plan}."),
    "fit_outside_room": ("{items} 超出墙面 {cm} 厘米。", "{items} goes {cm} cm beyond the walls."),
    "fit_overlap": ("{items} 互相重叠 {cm} 厘米。", "{items} overlap by {cm} cm."),
    "fit_door_swing": ("{items} 挡住了门的开合范围（{cm} 厘米）。", "{items} is in the door's swing ({cm} cm)."),
    "fit_walkway": (
        "{items} 之间只有 {cm} 厘米通道，建议至少 {walkway} 厘米。",
        "Only {cm} cm to walk between {items}; at least {walkway} cm is comfortable.",
    ),
    "fit_too_tall": ("{items} 比层高高出 {cm} 厘米。", "{items} is {cm} cm taller than the ceiling."),
    "fit_not_on_floor": ("{items} 没有放在地面上（离地 {cm} 厘米）。", "{items} is not on the floor ({cm} cm up)."),
    "fit_blocks_window": ("{items} 挡住了窗户。", "{items} blocks a window."),
    "place_not_found": (
        "不知道“{place}”在哪里，可以换个地名或告诉我门店吗？",
        'I don\'t know where "{place}" is; could you name a district, landmark or store?',
    ),
    "internal": ("服务器出了点问题，请稍后再试。", "Something went wrong on our side; please try again."),
    # notices in answers
    "coupon_rules": (
        "满{min_spend}减{discount}，限{channel}使用，每人限领{limit}张，{valid_to}前有效。",
        "¥{discount} off orders of ¥{min_spend} or more, {channel}, {limit} per member, valid until {valid_to}.",
    ),
    "delivery_note": (
        "预计 {days} 天送货上门，满 ¥{free_from} 免运费。",
        "Home delivery in about {days} days; free from ¥{free_from}.",
    ),
    # skin tone (tryon.skin keys) and why a shade suits it
    "skin_very_light": ("非常白皙", "very light"),
    "skin_light": ("白皙", "light"),
    "skin_intermediate": ("自然", "intermediate"),
    "skin_tan": ("小麦", "tan"),
    "skin_brown": ("棕色", "brown"),
    "skin_dark": ("深色", "dark"),
    "undertone_warm": ("暖调", "warm"),
    "undertone_neutral": ("中性调", "neutral"),
    "undertone_cool": ("冷调", "cool"),
    "shade_reason_warm": (
        "{skin}肤色、暖调肤色，橘调、砖红和珊瑚色更显气色",
        "{skin} skin, warm undertone: orange, brick and coral tones add glow",
    ),
    "shade_reason_neutral": (
        "{skin}肤色、中性肤色，玫瑰和豆沙色最百搭",
        "{skin} skin, neutral undertone: rose and muted pinks suit you best",
    ),
    "shade_reason_cool": (
        "{skin}肤色、冷调肤色，蓝调正红、莓果和梅子色更显白",
        "{skin} skin, cool undertone: blue-reds, berries and plums brighten you",
    ),
    "default_look_name": ("我的妆容", "My look"),
    # repair statuses
    "repair_received": ("已接收", "received"),
    "repair_diagnosing": ("检测中", "diagnosing"),
    "repair_awaiting_parts": ("等待配件", "awaiting parts"),
    "repair_repairing": ("维修中", "repairing"),
    "repair_ready_for_pickup": ("可取件", "ready for pickup"),
    "repair_completed": ("已完成", "completed"),
}

CHANNEL_WORDS = {
    "online": ("线上", "online"),
    "in_store": ("门店", "in store"),
    "both": ("线上和门店", "online and in store"),
}

SHARED: dict[str, tuple[str, str]] = {
    "pick_store": ("选择门店", "Choose a store"),
    "in_stock": ("件有货", "in stock"),
    "none_nearby": ("附近暂无库存", "Not in stock nearby"),
}

PAGES: dict[str, dict[str, tuple[str, str]]] = {
    "index": {
        "title": ("到店前，先试一试", "Try it before you go"),
        "lead": (
            "虚拟试妆、家具真实尺寸预览、门店库存与预约，一站完成。",
            "Virtual makeup, true-scale furniture previews, store stock and bookings in one place.",
        ),
        "makeup": ("虚拟试妆", "Virtual makeup"),
        "makeup_d": (
            "用摄像头或照片试口红、眼影、腮红。",
            "Try lipstick, eyeshadow and blush with your camera or a photo.",
        ),
        "furniture": ("家具预览与房间规划", "Furniture & room planner"),
        "furniture_d": (
            "360° 查看，按真实尺寸摆进你的房间。",
            "See it from every side and place it in your room at true scale.",
        ),
        "chat": ("门店助手", "Store assistant"),
        "chat_d": (
            "查库存、领券、查维修进度、预约咨询。",
            "Stock, coupons, repair progress and consultation bookings.",
        ),
        "api": ("开发者 API", "Developer API"),
        "stores": ("门店", "Stores"),
    },
    "makeup": {
        "title": ("虚拟试妆", "Virtual makeup"),
        "consent_title": ("开启摄像头前，请您确认", "Before the camera starts"),
        "consent_1": (
            "摄像头画面只在内存中实时处理，用于定位五官并叠加妆容。",
            "Camera frames are processed in memory, in real time, only to find your features and draw the makeup.",
        ),
        "consent_2": (
            "画面和照片不会被保存，也不会用于其他用途。",
            "Frames and photos are never stored or used for anything else.",
        ),
        "consent_3": (
            "只有在您主动点击“保存妆容”并同意后，才会保存妆容和肤色结果；随时可点击“删除我的数据”彻底删除。",
            "Looks and skin-tone results are saved only if you tap “Save look” and agree; “Delete my data” erases them at any time.",
        ),
        "agree": ("同意并开启摄像头", "Agree and start the camera"),
        "photo_instead": ("不开摄像头，上传照片", "Upload a photo instead"),
        "upload": ("上传照片", "Upload a photo"),
        "lip": ("口红", "Lipstick"),
        "eye": ("眼影", "Eyeshadow"),
        "cheek": ("腮红", "Blush"),
        "liner": ("眼线", "Eyeliner"),
        "brow": ("眉笔", "Brows"),
        "intensity": ("浓淡", "Intensity"),
        "wing": ("上挑眼尾", "Winged"),
        "presets": ("一键妆容", "Looks"),
        "scene": ("场景光线", "Lighting"),
        "none": ("原始光线", "As is"),
        "daylight": ("日光", "Daylight"),
        "warm_indoor": ("室内暖光", "Warm indoor"),
        "party": ("派对灯光", "Party lights"),
        "before_after": ("拖动对比妆前妆后", "Drag to compare before and after"),
        "snapshot": ("保存截图", "Snapshot"),
        "save": ("保存妆容", "Save look"),
        "delete": ("删除我的数据", "Delete my data"),
        "where": ("附近有货门店", "In stock nearby"),
        "near_me": ("用我的位置", "Use my location"),
        "km": ("公里", "km"),
        "skin": ("肤色分析", "Skin tone"),
        "picks": ("适合您的色号", "Shades for you"),
        "no_camera": ("无法开启摄像头，已切换到照片模式。", "The camera could not start; switched to photo mode."),
        "save_title": ("保存妆容", "Save this look"),
        "save_consent": (
            "我同意保存此妆容（及肤色结果）到我的会员档案，可随时删除。",
            "I agree to save this look (and my skin-tone result) to my member profile; I can delete it any time.",
        ),
        "cancel": ("取消", "Cancel"),
        "saved": ("已保存。门店顾问可在咨询时查看。", "Saved. Your advisor can see it during a consultation."),
        "deleted": (
            "已删除您的会员数据（妆容、肤色结果、预约信息），并已退出登录。",
            "Your member data (looks, skin-tone results, booking details) was erased and you are signed out.",
        ),
        "nothing_saved": ("您还没有保存过数据。", "You have not saved anything yet."),
        "no_face": ("没有检测到人脸，请正对镜头。", "No face found; please face the camera."),
        "clear": ("清除", "Clear"),
        "looking": ("正在处理…", "Working…"),
        "try_on": ("试用", "Try on"),
    },
    "furniture": {
        "width": ("宽", "W"),
        "depth": ("深", "D"),
        "height": ("高", "H"),
        "cm": ("厘米", "cm"),
        "variants": ("颜色/材质", "Colour / material"),
        "ar": ("在我的房间里查看（真实尺寸）", "View in your room (true scale)"),
        "planner": ("放进房间规划", "Plan a room with it"),
        "dims": ("显示尺寸", "Show dimensions"),
        "hint": ("拖动旋转，双指缩放", "Drag to turn, pinch to zoom"),
        "price": ("价格", "Price"),
        "stock": ("附近门店库存", "Stock nearby"),
    },
    "planner": {
        "title": ("房间规划", "Room planner"),
        "room": ("房间", "Room"),
        "width": ("宽 (米)", "Width (m)"),
        "depth": ("深 (米)", "Depth (m)"),
        "height": ("层高 (米)", "Ceiling (m)"),
        "door": ("门", "Door"),
        "wall": ("所在墙", "Wall"),
        "north": ("北墙（上）", "North (top)"),
        "south": ("南墙（下）", "South (bottom)"),
        "west": ("西墙（左）", "West (left)"),
        "east": ("东墙（右）", "East (right)"),
        "offset": ("距墙端 (米)", "From wall end (m)"),
        "door_width": ("门宽 (米)", "Door width (m)"),
        "hinge": ("合页", "Hinge"),
        "left": ("左", "Left"),
        "right": ("右", "Right"),
        "apply": ("应用", "Apply"),
        "scan": ("上传房间扫描（GLB/OBJ/PLY）", "Upload a room scan (GLB/OBJ/PLY)"),
        "catalog": ("家具", "Furniture"),
        "add": ("添加", "Add"),
        "problems": ("摆放检查", "Fit check"),
        "fits": ("全部放得下 ✓", "Everything fits ✓"),
        "quote": ("报价", "Quote"),
        "total": ("合计", "Total"),
        "delivery": ("运费", "Delivery"),
        "free": ("免运费", "free"),
        "store": ("查看库存的门店", "Stock at"),
        "save": ("保存并分享", "Save and share"),
        "share": ("分享码", "Share code"),
        "rotate_l": ("左转 15°", "Turn left 15°"),
        "rotate_r": ("右转 15°", "Turn right 15°"),
        "remove": ("移除", "Remove"),
        "top": ("俯视", "Top view"),
        "view3d": ("3D", "3D"),
        "window": ("窗户", "Window"),
        "window_width": ("窗宽 (米)", "Window width (m)"),
        "sill": ("窗台高 (米)", "Sill height (m)"),
        "walkway": ("通道宽度 (米)", "Walkway (m)"),
        "hint": (
            "拖动家具移动位置；选中后可旋转或移除。",
            "Drag furniture to move it; select it to turn or remove it.",
        ),
        "none": ("不限门店", "Any store"),
        "stock": ("有货", "in stock"),
    },
    "sign_in": {
        "phone": ("手机号", "Mobile number"),
        "code": ("短信验证码", "SMS code"),
        "send": ("获取验证码", "Send code"),
        "sent": ("验证码已发送，5 分钟内有效。", "Code sent; it is valid for 5 minutes."),
        "why": (
            "验证手机号后，您保存的妆容、预约和优惠券只有您本人能查看。",
            "Verifying your number keeps your saved looks, bookings and coupons visible to you alone.",
        ),
    },
}


def page_text(page: str, lang: str) -> dict[str, str]:
    """A page's words (and the shared ones) in ``lang``."""
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in (SHARED | PAGES[page]).items()}


def translate(key: str, lang: str, **params: object) -> str:
    """``MESSAGES[key]`` in ``lang`` with ``params`` filled in; a param given as a (zh, en) pair is translated too."""
    index = 1 if lang == "en" else 0
    values = {name: value[index] if isinstance(value, tuple) else value for name, value in params.items()}
    return MESSAGES.get(key, MESSAGES["bad_request"])[index].format(**values)


def both(key: str, **params: object) -> dict[str, str]:
    """The message in both languages, for answers that carry zh and en side by side."""
    return {"zh": translate(key, "zh", **params), "en": translate(key, "en", **params)}
