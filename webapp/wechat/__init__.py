"""The WeChat mini-program's door into the web app: sign-in by ``wx.login`` code, the web-view chat's
entry, linking a WeChat user to a member (``wechat_api``); the rules are in ``webapp.store.wechat``."""
