// 政府信息公开目录的筛选：按主题分类、发文机关、成文年份、有效性筛选本页表格中的文件。
// 所有文件都已写在页面的表格里（无脚本时全部显示、照常可读）；本脚本只隐藏不符合条件的行，不请求
// 服务器。本站自己的脚本，无第三方依赖、无内联脚本（CSP script-src 'self' 即可）。筛选条件写入地址栏
// （?year=2026&status=valid），可收藏、可分享；筛选结果的件数由 role="status" 的区域读出。
(function () {
  "use strict";
  var FIELDS = ["topic", "issuer", "year", "status"];

  function wire() {
    var form = document.querySelector("form[data-govpress-disclosure]");
    var count = document.getElementById("disclosure-count");
    if (!form || !count) return;
    var rows = document.querySelectorAll("table.disclosure-index tbody tr");
    var empty = document.querySelector("[data-disclosure-empty]");
    var total = rows.length;

    function chosen() {
      var values = {};
      for (var i = 0; i < FIELDS.length; i++) {
        var control = form.elements[FIELDS[i]];
        values[FIELDS[i]] = control ? control.value : "";
      }
      return values;
    }

    function remember(values) {
      if (!window.history || !window.history.replaceState || !window.URLSearchParams) return;
      var params = new URLSearchParams(window.location.search);
      for (var i = 0; i < FIELDS.length; i++) {
        if (values[FIELDS[i]]) params.set(FIELDS[i], values[FIELDS[i]]);
        else params.delete(FIELDS[i]);
      }
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function apply(keep) {
      var values = chosen();
      var filtered = false;
      for (var f = 0; f < FIELDS.length; f++) if (values[FIELDS[f]]) filtered = true;
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var match = true;
        for (var j = 0; j < FIELDS.length; j++) {
          var wanted = values[FIELDS[j]];
          if (wanted && rows[i].getAttribute("data-" + FIELDS[j]) !== wanted) match = false;
        }
        rows[i].hidden = !match;
        if (match) shown++;
      }
      var text = filtered ? "筛选出 " + shown + " 件文件（共 " + total + " 件）" : "共 " + total + " 件文件";
      // 只在件数变化时改写：屏幕阅读器每次改写都会朗读。
      if (count.textContent !== text) count.textContent = text;
      if (empty) empty.hidden = shown > 0;
      if (keep) remember(values);
    }

    // 地址栏中的筛选条件（只接受表单中有的选项）。
    if (window.URLSearchParams) {
      var params = new URLSearchParams(window.location.search);
      for (var i = 0; i < FIELDS.length; i++) {
        var control = form.elements[FIELDS[i]];
        var value = params.get(FIELDS[i]);
        if (!control || value === null) continue;
        for (var k = 0; k < control.options.length; k++) {
          if (control.options[k].value === value) control.value = value;
        }
      }
    }
    form.addEventListener("change", function () {
      apply(true);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply(true);
    });
    form.addEventListener("reset", function () {
      // 表单先恢复默认值，再按新值筛选。
      window.setTimeout(function () {
        apply(true);
      }, 0);
    });
    form.hidden = false;
    apply(false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
