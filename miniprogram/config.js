// The one setting of the mini-program: the StoreLens site (STORELENS_PUBLIC_URL of the instance, https,
// no trailing slash). Its host must be both a server domain and a business domain (业务域名) of the app.
module.exports = {
  PUBLIC_URL: "https://storelens.example.com",
};
