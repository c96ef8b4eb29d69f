// A realistic ~100 KB draft for the benchmark: a long notice with headings, links (government and
// not), a table, masked personal data and a reprint front matter. Deterministic, so runs compare.
export function makeDraft(targetBytes = 100 * 1024) {
  const head = `+++
title = "关于印发《2024年全市政务公开工作要点》的通知"
date = 2024-05-15
department = "示例市人民政府办公室"
kind = "reprint"

[reprint]
source_name = "中国政府网"
source_url = "https://www.gov.cn/zhengce/content/2024-05/15/content_1.htm"
reprinted_at = 2024-05-16T09:00:00+08:00
+++

`;
  const encoder = new TextEncoder();
  const parts = [head];
  let size = encoder.encode(head).length;
  for (let section = 1; size < targetBytes; section++) {
    const block = `## 第${section}部分 工作要点

各区人民政府，市政府各委、办、局：为深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，
进一步提升政务公开质量和实效，现就有关工作通知如下。请参阅[国务院办公厅通知](https://www.gov.cn/zhengce/${section}.htm)、
[本站政策解读](/policy/${section}/)和[第三方平台](https://www.example.com/article/${section})。联系人：李四，
电话 010-6512${String(section % 10000).padStart(4, '0')}，身份证号 110105********002X。

| 序号 | 事项 | 责任单位 | 完成时限 |
|---|---|---|---|
| ${section} | 政策文件公开 | 市政府办公室 | 2024年12月 |
| ${section + 1} | 政务数据开放 | 市数据局 | 2024年10月 |

- 推进决策公开，严格落实重大行政决策预公开制度。
- 加强政策解读，做好**政策吹风**与*图文解读*，详见 <https://www.gov.cn/>。
- 优化政务服务，![示意图](/images/chart-${section}.png "图表")。

> 本文件自印发之日起施行。

`;
    parts.push(block);
    size += encoder.encode(block).length;
  }
  return parts.join('');
}
