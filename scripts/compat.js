// Runs first, as a classic script in plain ES3, so that every browser can run it — Internet
// Explorer and 360's 兼容模式 included. It decides whether this browser can run BaoXue
// (Chromium 86 or newer, or an engine with the same features) and, when it cannot, writes a
// message in Chinese in place of the app. window.baoxueFail(error) shows the same message
// when the app fails to start anyway (e.g. a wasm the engine refuses).
(function () {
  var w = window, d = document, ua = navigator.userAgent || '';
  var chrome = /(?:Chrome|Chromium)\/(\d+)/.exec(ua);
  var reasons = [];
  if (/Trident\/|MSIE /.test(ua)) reasons.push('IE 内核（兼容模式）');
  if (chrome && +chrome[1] < 86) reasons.push('Chromium 内核版本 ' + chrome[1] + '（需要 86 或更新）');
  if (typeof w.WebAssembly !== 'object') reasons.push('不支持 WebAssembly');
  if (!w.indexedDB) reasons.push('不支持 IndexedDB（本机数据库）');
  if (typeof w.Promise !== 'function' || typeof w.fetch !== 'function') reasons.push('缺少 Promise 或 fetch');
  var script = d.createElement('script');
  if (!('noModule' in script)) reasons.push('不支持 JavaScript 模块');

  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }
  function message(why) {
    return '<div id="baoxue-unsupported" style="max-width:44em;margin:3em auto;padding:1.5em 2em;' +
      'font:16px/1.7 \'Microsoft YaHei\',SimHei,sans-serif;color:#222;background:#fff8e6;border:1px solid #e0b84c">' +
      '<h1 style="font-size:22px;margin:0 0 .6em">保学无法在当前浏览器中运行</h1>' +
      '<p>原因：' + esc(why) + '。</p>' +
      '<p><b>使用 360 安全浏览器、QQ 浏览器或搜狗浏览器：</b>请点击地址栏右端的“闪电/e”图标，' +
      '选择<b>“极速模式”</b>，然后刷新本页。</p>' +
      '<p><b>仍然不能打开：</b>请换用 360 安全浏览器 13 或更新版本（Windows 7 可用）、' +
      'Chrome 86 或更新版本、或新版 Microsoft Edge；如无法安装，请联系县教育局信息中心。</p>' +
      '<p style="color:#666;font-size:13px">BaoXue needs a Chromium 86 or newer browser. ' +
      'In 360, QQ or Sogou browsers switch to the fast mode (极速模式).<br>当前浏览器：' + esc(ua) + '</p></div>';
  }

  w.baoxueUnsupported = reasons.length > 0;
  if (w.baoxueUnsupported) {
    d.write(message(reasons.join('；')));
    return;
  }

  // The app could not start after all: say so instead of a blank page.
  var started = false;
  w.baoxueStarted = function () { started = true; };
  w.baoxueFail = function (e) {
    if (started || d.getElementById('baoxue-unsupported')) return;
    var div = d.createElement('div');
    div.innerHTML = message('启动失败：' + ((e && (e.message || e)) || '未知错误'));
    d.body.insertBefore(div.firstChild, d.body.firstChild);
    if (w.console) console.error(e);
  };
  w.addEventListener('error', function (ev) {
    // A script the engine cannot parse, or a wasm it cannot compile, before the app mounted.
    if (!started && ev && ev.error instanceof SyntaxError) w.baoxueFail(ev.error);
  });
})();
