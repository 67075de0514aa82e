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
    "invalid_model": ("无法读取这个 {format} 文件。", "Could not read the {format} file."),
    "empty_model": ("3D 模型里没有任何面。", "The 3D model has no faces."),
    "model_too_complex": (
        "3D 模型过于复杂（{faces} 个面，最多 {limit} 个）。",
        "The 3D model is too complex ({faces} faces; at most {limit}).",
    ),
    "model_size_mismatch": (
        "模型比例与标注尺寸不符：最接近的统一缩放 ×{scale} 得到 {got} 厘米（宽×深×高），标注为 {declared} 厘米；"
        "{axis}相差 {cm} 厘米，允许 {allowed} 厘米。",
        "The model's proportions do not match the declared size: the closest uniform scale ×{scale} gives "
        "{got} cm (W × D × H) against the declared {declared} cm; the {axis} is {cm} cm off, {allowed} cm allowed.",
    ),
    # furniture import
    "unsupported_model_format": ("3D 模型格式须为 {formats} 之一。", "The 3D model must be one of {formats}."),
    "model_not_finite": (
        "3D 模型的顶点坐标无效（NaN 或无穷大）。",
        "The 3D model has NaN or infinite vertex coordinates.",
    ),
    "invalid_declared_size": ("标注尺寸须为正数（厘米）。", "The declared size must be positive (centimetres)."),
    "import_file_missing": ("找不到清单中的文件 {file}。", "The manifest names {file}, which is not there."),
    "manifest_missing": (
        "缺少清单文件 manifest.csv 或 manifest.json。",
        "A manifest.csv or manifest.json is missing.",
    ),
    "invalid_manifest": ("清单无法读取：{reason}", "The manifest cannot be read: {reason}"),
    "invalid_archive": ("上传的文件不是有效的 ZIP 压缩包。", "The upload is not a valid ZIP archive."),
    "archive_too_large": (
        "压缩包过大（最多 {files} 个文件、解压后 {mb} MB）。",
        "The archive is too large (at most {files} files and {mb} MB unpacked).",
    ),
    "import_needs_price": ("新商品 {sku} 需要填写价格（price）。", "The new product {sku} needs a price."),
    "not_furniture": (
        "{sku} 不是家具商品，不能导入 3D 模型。",
        "{sku} is not furniture; no 3D model can be imported.",
    ),
    "unknown_material": (
        "款式 {variant} 指定的材质 {material} 不在模型中（有：{known}）。",
        "Variant {variant} names the material {material}, which the model lacks (it has: {known}).",
    ),
    "import_unit": (
        "按{unit}读取，最大偏差 {cm} 厘米（{axis}）",
        "read as {unit}, largest deviation {cm} cm on {axis}",
    ),
    "import_scaled": (
        "统一缩放 ×{scale}，最大偏差 {cm} 厘米（{axis}）",
        "scaled ×{scale}, largest deviation {cm} cm on {axis}",
    ),
    "axis_width": ("宽度", "width"),
    "axis_depth": ("深度", "depth"),
    "axis_height": ("高度", "height"),
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
    # staff: console sign-in, store scope, accounts, at-the-store booking steps
    "staff_sign_in_required": ("请先登录顾问工作台。", "Please sign in to the advisor console first."),
    "staff_sign_in_failed": ("用户名或密码不正确。", "The username or password is not right."),
    "staff_locked": (
        "登录失败次数过多，请 {minutes} 分钟后再试。",
        "Too many failed sign-ins; please try again in {minutes} minutes.",
    ),
    "staff_disabled": ("该账号已停用，请联系店长。", "This account is disabled; please ask your store manager."),
    "staff_wrong_store": (
        "这属于其他门店，您只能处理本店（{store}）的业务。",
        "This belongs to another store; you can only act for your own store ({store}).",
    ),
    "staff_manager_only": ("只有店长可以执行此操作。", "Only a store manager can do that."),
    "staff_username_invalid": (
        "用户名需为 3 到 40 个小写字母、数字或 . _ -，以字母或数字开头。",
        "A username is 3 to 40 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.",
    ),
    "staff_name_invalid": ("姓名需为 1 到 60 个字符。", "A name is 1 to 60 characters."),
    "staff_password_weak": ("密码需为 {min} 到 {max} 个字符。", "A password needs {min} to {max} characters."),
    "staff_username_taken": ("用户名 {username} 已被使用。", "The username {username} is already taken."),
    "staff_not_found": ("找不到员工账号：{username}。", "No staff account called {username}."),
    "csrf_failed": (
        "页面已过期或请求并非来自本页面，请刷新后重试。",
        "The page has expired or the request did not come from it; reload the page and try again.",
    ),
    "booking_wrong_status": (
        "该预约当前为“{state}”，不能执行此操作。",
        "This booking is {state}; that cannot be done now.",
    ),
    "booking_not_today": (
        "该预约在 {day}，只能在当天签到。",
        "This booking is on {day}; check-in is on that day only.",
    ),
    "booking_not_started": (
        "该预约 {starts_at} 开始，开始后才能标记为未到店。",
        "This booking starts at {starts_at}; it can be marked a no-show once it has started.",
    ),
    # audit log actions, as the store manager reads them
    "audit_coupon_redeemed": ("核销优惠券", "redeemed a coupon"),
    "audit_repair_update": ("更新维修进度", "updated a repair"),
    "audit_booking_checked_in": ("预约签到", "checked a booking in"),
    "audit_booking_completed": ("完成预约", "completed a booking"),
    "audit_booking_no_show": ("标记未到店", "marked a no-show"),
    "audit_handoff_take": ("接待转人工对话", "took a hand-over"),
    "audit_handoff_reply": ("回复转人工对话", "replied to a hand-over"),
    "audit_handoff_close": ("结束转人工对话", "closed a hand-over"),
    "audit_staff_added": ("添加顾问", "added an advisor"),
    "audit_staff_disabled": ("停用顾问", "disabled an advisor"),
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
    # chat
    "message_too_long": (
        "消息太长了（上限 {limit} 个字符），请分几条发送。",
        "That message is too long (limit {limit} characters); please send it in parts.",
    ),
    "message_empty": ("消息不能为空。", "The message is empty."),
    "assistant_unavailable": (
        "抱歉，智能助手暂时没有响应，请稍后再试。着急的话请拨打门店热线 {phone}。",
        "Sorry, the assistant isn't answering right now; please try again shortly. "
        "If it's urgent, call the store hotline on {phone}.",
    ),
    "conversation_not_found": ("找不到该对话。", "That conversation was not found."),
    "chat_first_frame": (
        "第一条消息应为 JSON 对象，含 after（消息编号），可带 conversation 或 member_token。",
        "The first frame must be a JSON object with after (a message id) and conversation or member_token.",
    ),
    "handoff_not_found": ("找不到转人工请求 {id}。", "Hand-over request {id} was not found."),
    "handoff_taken": ("该对话已由 {advisor} 接待。", "{advisor} has already taken this chat."),
    "handoff_not_yours": (
        "该对话由 {advisor} 接待，只有接待的店员可以回复。",
        "{advisor} took this chat; only they may reply.",
    ),
    "handoff_closed": ("该对话已结束。", "This chat has been closed."),
    "handoff_not_taken": ("请先接待该对话再回复。", "Take this chat before replying."),
    "store_closed": (
        "{store}现在不在营业时间，店员 {opens_at} 上班。可以留下电话预约回电。",
        "{store} is closed now; advisors are back at {opens_at}. You can ask for a call back.",
    ),
    "chat_advisor_joined": ("店员 {advisor} 已加入对话。", "Store advisor {advisor} has joined the chat."),
    "chat_handoff_closed": (
        "店员已结束对话，接下来由智能助手继续为你服务。",
        "The advisor has closed the chat; the assistant is here for you again.",
    ),
    "chat_repair_update": (
        "维修单 {ticket} 有新进展：{status}。",
        "Repair {ticket} has moved on: {status}.",
    ),
    # repair statuses
    "repair_received": ("已接收", "received"),
    "repair_diagnosing": ("检测中", "diagnosing"),
    "repair_awaiting_parts": ("等待配件", "awaiting parts"),
    "repair_repairing": ("维修中", "repairing"),
    "repair_ready_for_pickup": ("可取件", "ready for pickup"),
    "repair_completed": ("已完成", "completed"),
    # wechat
    "wechat_not_configured": (
        "微信登录尚未配置，请联系门店。",
        "WeChat sign-in is not set up yet; please contact the store.",
    ),
    "wechat_code_invalid": (
        "微信登录凭证无效或已被使用，请重新打开小程序。",
        "The WeChat login code is invalid or already used; please reopen the mini-program.",
    ),
    "wechat_user_blocked": (
        "微信判定该账号存在风险，暂时无法登录。",
        "WeChat flagged this account as at risk; sign-in is blocked for now.",
    ),
    "wechat_busy": ("微信服务繁忙，请 {seconds} 秒后重试。", "WeChat is busy; please try again in {seconds} s."),
    "wechat_rejected": (
        "微信登录失败（错误码 {errcode}），请稍后重试或联系门店。",
        "WeChat sign-in failed (error {errcode}); please try again later or contact the store.",
    ),
    "wechat_unreachable": (
        "暂时无法连接微信服务，请稍后重试。",
        "WeChat could not be reached; please try again shortly.",
    ),
    "wechat_token_invalid": (
        "微信登录凭证无效，请从小程序重新进入。",
        "The WeChat sign-in token is not valid; please reopen this page from the mini-program.",
    ),
    "wechat_token_expired": (
        "微信登录已过期（{minutes} 分钟内有效），请从小程序重新进入。",
        "The WeChat sign-in has expired (it is valid for {minutes} minutes); please reopen this page from the mini-program.",
    ),
}

BOOKING_STATUS_WORDS = {
    "confirmed": ("已确认", "confirmed"),
    "cancelled": ("已取消", "cancelled"),
    "checked_in": ("已签到", "checked in"),
    "completed": ("已完成", "completed"),
    "no_show": ("未到店", "a no-show"),
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
        "no_camera_api": (
            "此处无法使用实时摄像头（如 iPhone 上的微信），已切换到照片试妆：拍一张正脸照即可。",
            "Live camera is not available here (as in WeChat on iPhone), so this is photo try-on: take a front-facing photo.",
        ),
        "photo_asked": ("照片试妆：拍一张正脸照即可。", "Photo try-on: take a front-facing photo."),
        "take_photo": ("拍照或选择照片", "Take or choose a photo"),
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
        "variant": ("款式", "Finish"),
        "room_ar": ("整个房间 AR 查看", "See the whole room in AR"),
    },
    # furniture import: the whole planned room in AR
    "room_ar": {
        "title": ("整个房间 AR 查看", "The whole room in AR"),
        "lead": (
            "所有家具按方案中的位置和朝向、以真实尺寸摆放；点击 AR 按钮放到你的房间里。",
            "Every piece at its planned place and turn, at true scale; tap AR to stand it in your room.",
        ),
        "ar": ("在我的房间中查看", "View in my room"),
        "walls": ("显示墙面", "Show walls"),
        "share": ("分享码", "Share code"),
        "planner": ("回到规划", "Back to the planner"),
        "size": ("房间", "Room"),
        "pieces": ("件家具", "pieces"),
    },
    # the chat widget (on our pages and on shops' own sites) and the full-screen /chat page
    "chat": {
        "title": ("澜悦门店助手", "StoreLens assistant"),
        "open": ("打开门店助手", "Open the store assistant"),
        "close": ("关闭门店助手", "Close the store assistant"),
        "greeting": (
            "您好！我可以帮您查库存、领优惠券、查维修进度或预约到店咨询。",
            "Hi! I can check stock, get you coupons, track a repair or book a consultation.",
        ),
        "input_label": ("输入消息", "Your message"),
        "placeholder": ("输入您的问题…", "Type your question…"),
        "send": ("发送", "Send"),
        "typing": ("助手正在输入…", "The assistant is typing…"),
        "log": ("对话记录", "Conversation"),
        "you": ("我", "You"),
        "assistant": ("助手", "Assistant"),
        "advisor": ("顾问", "Advisor"),
        "system": ("通知", "Notice"),
        "replies": ("快捷回复", "Quick replies"),
        "try_on": ("试妆", "Try it on"),
        "where_to_buy": ("哪里有货", "Where to buy"),
        "shade": ("色号", "Shade"),
        "booking_done": ("预约已确认", "Booking confirmed"),
        "booking_code": ("预约码", "Booking code"),
        "booking_view": ("查看或修改预约", "View or change the booking"),
        "handoff_open": (
            "正在为您转接人工顾问：您排在第 {position} 位，预计等待约 {wait} 分钟。",
            "Passing you to a store advisor: you are number {position} in the queue, about {wait} min.",
        ),
        "handoff_taken": ("顾问{advisor}正在为您服务。", "{advisor}, a store advisor, is with you now."),
        "handoff_taken_anonymous": ("人工顾问正在为您服务。", "A store advisor is with you now."),
        "try_again": ("再试一次", "Try again"),
        "not_sent": ("未发送", "Not sent"),
        "offline": ("网络连接失败，请检查网络后再试。", "No connection; please check your network and try again."),
        "clear": ("清除对话", "Clear conversation"),
        "clear_confirm": (
            "删除这段对话的全部记录（包括与顾问的对话）？删除后无法恢复。",
            "Delete this whole conversation, advisor messages included? This cannot be undone.",
        ),
        "clear_yes": ("删除", "Delete"),
        "cancel": ("取消", "Cancel"),
        "cleared": ("对话记录已删除。", "The conversation was deleted."),
        "unread": ("{count} 条新消息", "{count} new messages"),
        "noscript": ("请开启 JavaScript 后使用门店助手。", "Please turn on JavaScript to use the store assistant."),
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
    "console": {
        "title": ("顾问工作台", "Advisor console"),
        "username": ("用户名", "Username"),
        "password": ("密码", "Password"),
        "sign_in": ("登录", "Sign in"),
        "sign_out": ("退出登录", "Sign out"),
        "signed_out": ("您已退出登录。", "You are signed out."),
        "timed_out": (
            "长时间未操作，已自动退出，请重新登录。",
            "You were signed out after a while idle; please sign in again.",
        ),
        "today": ("今日", "Today"),
        "staff": ("员工", "Staff"),
        "audit": ("操作记录", "Activity log"),
        "bookings_today": ("今日预约", "Today's bookings"),
        "no_bookings": ("今天没有预约。", "No bookings today."),
        "time": ("时间", "Time"),
        "service": ("服务", "Service"),
        "name": ("姓名", "Name"),
        "phone": ("电话", "Phone"),
        "status": ("状态", "Status"),
        "code": ("预约号", "Code"),
        "role": ("角色", "Role"),
        "role_advisor": ("顾问", "Advisor"),
        "role_store_manager": ("店长", "Store manager"),
        "active": ("在职", "Active"),
        "inactive": ("已停用", "Disabled"),
        "add_advisor": ("添加顾问", "Add an advisor"),
        "add": ("添加", "Add"),
        "added": ("已添加顾问 {name}。", "Advisor {name} added."),
        "disable": ("停用", "Disable"),
        "disabled_done": ("已停用 {name} 的账号。", "{name}'s account is disabled."),
        "confirm_disable": (
            "确定停用此账号吗？其所有登录将立即失效。",
            "Disable this account? Its sessions end at once.",
        ),
        "initial_password": ("初始密码（至少 10 个字符）", "Initial password (at least 10 characters)"),
        "who": ("员工", "Staff"),
        "what": ("操作", "Action"),
        "subject": ("对象", "Item"),
        "detail": ("详情", "Details"),
        "older": ("更早的记录", "Older entries"),
        "no_entries": ("还没有操作记录。", "Nothing recorded yet."),
        "field_required": ("请填写此项。", "Please fill this in."),
        "detail_order_amount": ("订单金额", "order amount"),
        "detail_status": ("状态", "status"),
        "detail_name": ("姓名", "name"),
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
