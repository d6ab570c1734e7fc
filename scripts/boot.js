(function () {
  // Offline after the first visit: register the service worker (http/https only).
  var current = (document.querySelector('meta[name=baoxue-version]') || {}).content;
  function banner(text) {
    var show = function () {
      var d = document.createElement('div');
      d.className = 'sw-banner';
      d.setAttribute('role', 'status');
      d.textContent = text;
      var x = document.createElement('button');
      x.textContent = '知道了';
      x.onclick = function () { d.remove(); };
      d.appendChild(x);
      document.body.appendChild(d);
    };
    if (document.body) show(); else addEventListener('DOMContentLoaded', show);
  }
  try {
    var seen = localStorage.getItem('baoxue.version');
    if (seen && current && seen !== current) banner('保学已更新到新版本（' + current + '）。您的数据不受影响。');
    if (current) localStorage.setItem('baoxue.version', current);
  } catch (e) {}
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
  navigator.serviceWorker.register('sw.js').then(function (reg) {
    reg.addEventListener('updatefound', function () {
      var sw = reg.installing;
      if (!sw || !navigator.serviceWorker.controller) return;
      sw.addEventListener('statechange', function () {
        if (sw.state === 'installed') banner('保学有新版本，已在后台下载。关闭所有保学窗口后重新打开即可使用；当前工作不受影响。');
      });
    });
  }).catch(function (e) { console.warn('service worker', e); });
})();
