# The generated pages of the benchmarks (scripts/bench/build.sh, scripts/bench/platform.sh): PAGES pages in
# SECTIONS sections under ROOT, each with headings, a list, a table, a footnote, internal, government and
# non-government links, so a build does its real work (rendering, leave-page rewriting, auditing).
#
#   awk -v pages=N -v sections=N -v root=DIR/content -v links=PREFIX -f scripts/bench/pages.awk
#
# LINKS prefixes the internal links: "/" for a site at the root of its host, "../../" for one under a path.
BEGIN {
  for (s = 0; s < sections; s++) {
    dir = sprintf("%s/section-%02d", root, s)
    system("mkdir -p " dir)
    printf "+++\ntitle = \"栏目 %d\"\nsection_kind = \"news\"\n+++\n\n第 %d 个栏目。\n", s, s > (dir "/_index.md")
    close(dir "/_index.md")
  }
  printf "+++\ntitle = \"基准测试市人民政府\"\ndate = 2026-11-24\n+++\n\n首页。\n" > (root "/_index.md")
  close(root "/_index.md")
  for (i = 0; i < pages; i++) {
    s = i % sections
    file = sprintf("%s/section-%02d/page-%05d.md", root, s, i)
    day = 1 + i % 24
    printf "+++\ntitle = \"关于做好第 %d 项民生实事工作的通知\"\ndate = 2026-11-%02dT09:00:00+08:00\ndepartment = \"基准测试市人民政府办公室\"\nkind = \"original\"\n+++\n\n", i, day > file
    printf "为进一步做好民生实事项目推进工作，切实解决群众急难愁盼问题，现就第 %d 项工作通知如下。[^1]\n\n", i > file
    for (h = 1; h <= 3; h++) {
      printf "## 第%s部分\n\n", (h == 1 ? "一" : (h == 2 ? "二" : "三")) > file
      printf "各区县、各部门要高度重视，明确责任分工，加强统筹协调，确保各项任务按期完成。请于每月底前报送工作进展，" > file
      printf "详见[上一项通知](%ssection-%02d/page-%05d/)和[国务院有关文件](https://www.gov.cn/zhengce/%d.htm)。\n\n", links, (i + 1) % sections, (i + 1) % pages, i > file
      printf "1. 完善工作机制，建立任务台账；\n2. 加强资金保障，规范资金使用；\n3. 强化督促检查，及时通报进展。\n\n" > file
    }
    printf "| 指标 | 目标 | 完成 |\n|---|---:|---:|\n| 项目数 | %d | %d |\n| 资金（万元） | %d | %d |\n\n", 10 + i % 7, 8 + i % 5, 100 * (i % 13 + 1), 90 * (i % 13 + 1) > file
    printf "便民服务可通过[合作银行](https://www.bank%d.example.com/service)或[天气网](https://www.weather.com.cn/%d.shtml)查询。\n\n", i % 50, i > file
    printf "[^1]: 数据来源：基准测试市统计局。\n" > file
    close(file)
  }
}
