// The shell's few words in Chinese and English; everything else is said by the web pages it shows.
const WORDS = {
  zh: {
    loading: "正在连接门店助手…",
    signInFailed: "微信登录暂不可用，将以游客身份继续。",
    offline: "网络不可用，请检查网络后重试。",
    retry: "重试",
    tryon: "虚拟试妆",
  },
  en: {
    loading: "Connecting to the store assistant…",
    signInFailed: "WeChat sign-in is not available; continuing as a guest.",
    offline: "No network; please check the connection and try again.",
    retry: "Try again",
    tryon: "Virtual makeup",
  },
};

function language() {
  const info = wx.getAppBaseInfo ? wx.getAppBaseInfo() : wx.getSystemInfoSync();
  return String(info.language || "zh").startsWith("en") ? "en" : "zh";
}

module.exports = { language, words: () => WORDS[language()] };
