const { PUBLIC_URL } = require("../../config");
const { words } = require("../../words");

// Opened by wxbridge.js from a chat card: navigateTo("/pages/tryon/tryon?u=<page URL>"). Only StoreLens
// pages open here. iPhone web-views have no live camera, so there the makeup page starts in photo mode.
function target(u) {
  const url = u ? decodeURIComponent(u) : `${PUBLIC_URL}/makeup`;
  return url.startsWith(`${PUBLIC_URL}/`) ? url : `${PUBLIC_URL}/makeup`;
}

function withParams(url, params) {
  const [address, hash] = url.split("#");
  const extra = Object.keys(params)
    .filter((key) => !new RegExp(`[?&]${key}=`).test(address))
    .map((key) => `${key}=${params[key]}`);
  const joined = extra.length ? address + (address.includes("?") ? "&" : "?") + extra.join("&") : address;
  return hash === undefined ? joined : `${joined}#${hash}`;
}

Page({
  data: { src: "" },

  onLoad(query) {
    wx.setNavigationBarTitle({ title: words().tryon });
    const device = wx.getDeviceInfo ? wx.getDeviceInfo() : wx.getSystemInfoSync();
    const params = device.platform === "ios" ? { channel: "miniprogram", mode: "photo" } : { channel: "miniprogram" };
    this.setData({ src: withParams(target(query.u), params) });
  },
});
