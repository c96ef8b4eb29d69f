// 离站确认（links.mode = "confirm"）：点击指向非党政机关网站的链接时先提示（第十五条）。
// Same-origin, no dependencies; links without this script still work.
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[data-govpress-leave], area[data-govpress-leave]") : null;
  if (!link) return;
  if (!window.confirm(link.getAttribute("data-govpress-leave"))) {
    event.preventDefault();
  }
});
