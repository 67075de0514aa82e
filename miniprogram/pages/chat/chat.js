const { PUBLIC_URL } = require("../../config");
const { language, words } = require("../../words");

// wx.login → a 10-minute StoreLens token → the /chat page in a web-view, which trades ?wx= for this WeChat
// user's own conversation (and signs in a member who linked WeChat). Without WeChat sign-in the chat still
// opens, as a guest.
Page({
  data: { src: "", words: {}, error: "" },

  onLoad() {
    this.setData({ words: words() });
    this.connect();
  },

  connect() {
    this.setData({ error: "" });
    wx.login({
      success: ({ code }) => this.signIn(code),
      fail: () => this.open(""),
    });
  },

  signIn(code) {
    wx.request({
      url: `${PUBLIC_URL}/api/v1/wechat/session?lang=${language()}`,
      method: "POST",
      data: { code },
      timeout: 8000,
      success: (res) => {
        if (res.statusCode === 200 && res.data && res.data.token) {
          this.open(res.data.token);
          return;
        }
        wx.showToast({ title: this.data.words.signInFailed, icon: "none" });
        this.open("");
      },
      fail: () => this.setData({ error: this.data.words.offline }),
    });
  },

  open(token) {
    const query = ["channel=miniprogram", `lang=${language()}`];
    if (token) query.push(`wx=${encodeURIComponent(token)}`);
    this.setData({ src: `${PUBLIC_URL}/chat?${query.join("&")}` });
  },
});
