// StoreLens mini-program: a native shell around the StoreLens web pages (chat, try-on) in web-views.
App({});
