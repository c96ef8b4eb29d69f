// 长辈版（适老化）：放大字号、提高对比度、加大点击区域。读者的选择保存在本机（localStorage），换页、
// 重开都保持。本站自己的脚本，无第三方依赖、无内联脚本（CSP script-src 'self' 即可）；放在 <head> 里
// 同步加载，好在首次绘制前就用上读者选的模式，不闪一下标准版。无脚本时页面照常可读，只是没有开关。
(function () {
  "use strict";
  var KEY = "govpress-reading";
  var ELDER = "elder";
  var LABELS = { standard: "长辈版", elder: "退出长辈版" };
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (error) {
      return null; // 隐私模式等禁用了存储：本页仍可切换，只是不记住
    }
  }

  function remember(mode) {
    try {
      if (mode === ELDER) window.localStorage.setItem(KEY, ELDER);
      else window.localStorage.removeItem(KEY);
    } catch (error) {
      // 同上：不能记住时只作用于本页
    }
  }

  function isElder() {
    return root.getAttribute("data-reading") === ELDER;
  }

  function label(button) {
    button.textContent = isElder() ? LABELS.elder : LABELS.standard;
  }

  function apply(mode) {
    if (mode === ELDER) root.setAttribute("data-reading", ELDER);
    else root.removeAttribute("data-reading");
    var buttons = document.querySelectorAll("[data-govpress-reading]");
    for (var i = 0; i < buttons.length; i++) label(buttons[i]);
  }

  apply(stored());

  function wire() {
    var buttons = document.querySelectorAll("[data-govpress-reading]");
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      label(button);
      button.hidden = false;
      button.addEventListener("click", function () {
        var mode = isElder() ? null : ELDER;
        remember(mode);
        apply(mode);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();

  // 另一个标签页切换了模式：这里跟着变。
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) apply(event.newValue);
  });
})();
